"""Every text the dashboard and its charts show, in English and Chinese, by message id.

One catalogue, :func:`catalogue`, maps a message id to its text in each of :data:`LANGUAGES`.
Its texts come from three places, each the one source of what it holds:

- ``messages.toml``: the dashboard's and the charts' own words, each id with ``en`` and ``zh``;
- the model's definitions for the English of levers, measures, presets, sectors and shocks
  (:mod:`transfer_sim.policy`, ``sectors.csv``), with their Chinese in ``messages.toml``'s
  ``[zh]`` table;
- the shipped data for the provinces' names (``provinces.csv`` and, for the areas not
  modelled, the map's GeoJSON).

``text("map.hover_value", "zh", value="1,234")`` gives one text with its fields filled in.
"""

from __future__ import annotations

import json
import re
import tomllib
import typing
from functools import cache
from importlib.resources import files

import pandas as pd

from .policy import MEASURES, PRESET_TEXTS, Policy, Shock
from .sectors import sector_labels

#: The languages of the catalogue, by code, each named in its own words.
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"

_PACKAGE = files("transfer_sim")


@cache
def _messages() -> dict:
    return tomllib.loads((_PACKAGE / "messages.toml").read_text(encoding="utf-8"))


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """Nested tables as dotted ids; a table holding languages (``en``, ``zh``) is a leaf."""
    flat = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not set(value) & set(LANGUAGES):
            flat |= _flatten(value, f"{name}.")
        else:
            flat[name] = value
    return flat


def _model_english() -> dict[str, str]:
    """The English the model defines: levers, measures, presets, sectors, shocks, places."""
    english = {}
    for name, field in Policy.model_fields.items():
        extra = field.json_schema_extra
        english |= {f"lever.{name}.label": extra["label"], f"lever.{name}.mechanism": field.description,
                    f"lever.{name}.seed": extra["seed"], f"lever.{name}.unit": extra["unit"]}
    english |= {f"measure.{key}": title for key, title in MEASURES.items()}
    for name, preset in PRESET_TEXTS.items():
        english |= {f"preset.{name}.title": preset.title, f"preset.{name}.description": preset.description}
    english |= {f"sector.{key}": label for key, label in sector_labels().items()}
    kinds = dict(part.split(": ", 1) for part in Shock.model_fields["kind"].description.split("; "))
    for kind in typing.get_args(Shock.model_fields["kind"].annotation):
        english |= {f"shock.{kind}.label": kind.replace("_", " "), f"shock.{kind}.description": kinds[kind]}
    return english | {f"place.{place}": place for place in _places()}


def _places() -> list[str]:
    """Corridors, hubs, border exits and ports, as the corridor data names them."""
    corridors = pd.read_csv(_PACKAGE / "data" / "corridors.csv", keep_default_na=False)
    names = pd.concat([corridors["corridor"], corridors["from_place"], corridors["to_place"]])
    return sorted(set(names) - {""})


@cache
def region_names() -> dict[str, str]:
    """English -> Chinese names of the 31 provinces (``provinces.csv``) and of the areas the map
    shows but the model does not (Taiwan, Hong Kong, Macau: the map's GeoJSON)."""
    provinces = pd.read_csv(_PACKAGE / "data" / "provinces.csv", usecols=["name_en", "name_zh"])
    names = dict(zip(provinces["name_en"], provinces["name_zh"]))
    outlines = json.loads((_PACKAGE / "data" / "china_provinces.geojson").read_text(encoding="utf-8"))
    for feature in outlines["features"]:
        props = feature["properties"]
        names.setdefault(props["name_en"], props["name_zh"])
    return names


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Message id -> {language: text} for every message."""
    messages = dict(_messages())
    chinese = _flatten(messages.pop("zh", {}))
    merged = {key: dict(value) for key, value in _flatten(messages).items()}
    for key, english in _model_english().items():
        merged[key] = {"en": english, "zh": chinese.get(key)}
    for english, zh in region_names().items():
        merged[f"region.{english}"] = {"en": english, "zh": zh}
    return merged


def unknown_chinese() -> list[str]:
    """Ids in the ``[zh]`` table that no model definition has (a lever renamed or removed)."""
    return sorted(set(_flatten(_messages().get("zh", {}))) - set(_model_english()))


def language(code: str | None) -> str:
    """A language code of :data:`LANGUAGES` (anything else falls back to the default)."""
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """The message ``key`` in ``lang`` with its ``{fields}`` filled in."""
    try:
        entry = catalogue()[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalogue") from None
    template = entry.get(language(lang)) or entry[DEFAULT_LANGUAGE]
    return template.format(**fields) if fields else template


def region(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A province's (or not modelled area's) name; names not in the data stay as they are."""
    key = f"region.{name}"
    return text(key, lang) if key in catalogue() else name


#: What the short Chinese name of a province drops: its kind of division.
_DIVISION = re.compile(r"(壮族|回族|维吾尔)?自治区$|特别行政区$|省$|市$")


def short_region(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A name short enough to write on the map: 广西 for 广西壮族自治区; English names stay whole."""
    full = region(name, lang)
    return _DIVISION.sub("", full) if lang == "zh" else full
