"""The message catalogue: every message in both languages, and every message the code asks for there."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import transfer_sim as ts
from transfer_sim import i18n, viz
from transfer_sim import province_map as pm
from transfer_sim.dashboard.page import TABS
from transfer_sim.dashboard.theory_panel import KNOBS
from transfer_sim.geography import MACRO_REGIONS
from transfer_sim.processes.fiscal import LOCAL_INSTRUMENT_BOOKS

SOURCES = [*Path(ts.__file__).parent.joinpath("dashboard").glob("*.py"),
           *Path(ts.__file__).parent.joinpath("classroom").glob("*.py"),
           Path(viz.__file__), Path(pm.__file__)]
ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
FILE_NAME = re.compile(r"\.(json|toml|csv|html|png|zip|vue|sqlite3)$")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_has_english_and_chinese_with_the_same_blanks():
    for key, entry in i18n.catalogue().items():
        assert set(entry) == set(i18n.LANGUAGES), key
        assert all(isinstance(t, str) and t.strip() for t in entry.values()), key
        assert fields(entry["en"]) == fields(entry["zh"]), key
    assert i18n.unknown_chinese() == []  # no Chinese left for a lever, preset or sector that is gone


def test_every_message_id_written_in_the_code_is_in_the_catalogue():
    namespaces = {key.split(".")[0] for key in i18n.catalogue()}
    used = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and ID.match(node.value)
                    and not FILE_NAME.search(node.value)):
                if node.value.split(".")[0] in namespaces:
                    used.add(node.value)
    assert len(used) > 100
    assert sorted(used - set(i18n.catalogue())) == []


def test_the_message_families_the_code_builds_are_complete():
    """Ids the code builds from a name (``f"metric.{key}"``), for every name it can build them from."""
    families = [f"tab.{key}" for key in TABS]
    families += [f"theory.{name}" for name in KNOBS]
    families += [f"metric.{key}" for key in pm.MAP_METRICS]
    families += [f"macro.{m}" for m in MACRO_REGIONS]
    families += [f"indicator.{c}" for c in viz.COMPARE_INDICATORS]
    families += [f"column.{c}" for c in ("output", "employment", "value_added")]
    families += [f"chart.sankey.{level}" for level in ("macro", "province")]
    families += [f"chart.fiscal.book.{name}" for name in LOCAL_INSTRUMENT_BOOKS]
    families += [f"lever.{name}.{part}" for name in ts.Policy.model_fields
                 for part in ("label", "mechanism", "seed", "unit")]
    families += [f"preset.{name}.{part}" for name in ts.PRESETS for part in ("title", "description")]
    families += [f"sector.{name}" for name in ts.SECTORS]
    families += [f"region.{name}" for name in ts.Geography.china().names]
    assert sorted(set(families) - set(i18n.catalogue())) == []


def test_provinces_are_named_in_chinese_from_the_data():
    names = i18n.region_names()
    assert len(names) == 34  # the 31 provinces, Taiwan, Hong Kong and Macau
    assert names["Guangxi"] == "广西壮族自治区" and names["Hong Kong"] == "香港特别行政区"
    assert i18n.short_region("Guangxi", "zh") == "广西" and i18n.short_region("Xinjiang", "zh") == "新疆"
    assert i18n.short_region("Inner Mongolia", "zh") == "内蒙古" and i18n.short_region("Beijing", "zh") == "北京"
    assert i18n.short_region("Guangxi", "en") == "Guangxi"


def test_the_seed_phrases_are_in_their_original_chinese():
    chinese = " ".join(i18n.text(f"lever.{name}.{part}", "zh") for name in ts.Policy.model_fields
                       for part in ("label", "seed"))
    chinese += " ".join(i18n.text(f"measure.{key}", "zh") for key in ts.policy.MEASURES)
    for phrase in ("腾笼换鸟", "筑巢引凤", "全国统一大市场", "国家战略腹地", "三区三线", "中欧班列", "西部陆海新通道",
                   "新质生产力"):
        assert phrase in chinese, phrase


def test_a_text_fills_its_blanks_and_an_unknown_id_is_an_error():
    assert i18n.text("status.year", "zh", year=2030) == "年份：2030"
    assert i18n.text("status.year", "fr", year=2030) == "Year: 2030"  # an unknown language falls back
    with pytest.raises(KeyError, match="no message 'no.such.id'"):
        i18n.text("no.such.id")
