"""What every export says about the run it comes from: preset, levers, seed, years, firms, version."""

from __future__ import annotations

from .. import __version__
from ..i18n import text
from .session import START_YEAR
from .settings import Settings
from .toml_values import toml_value

#: Facts every manifest has, and the facts of a China run in the order a caption names them.
COMMON = {"version": __version__}
RUN_FACTS = ("preset", "levers", "reference", "seed", "years", "firms")


def manifest(settings: Settings, **extra) -> dict:
    """A China run's settings as plain data, with the keys of ``transfer-sim run --out``'s
    manifest.json; ``extra`` adds facts (the reference preset of a comparison, say)."""
    return {"kind": "dashboard", "preset": settings.preset, "levers": settings.lever_changes, "seed": settings.seed,
            "years": settings.years, "firms": settings.n_firms, "start_year": START_YEAR, **extra, **COMMON}


def levers_text(levers: dict) -> str:
    """Lever changes as ``name = value`` pairs, as a scenario file writes them."""
    return ", ".join(f"{name} = {toml_value(value)}" for name, value in levers.items())


def caption(facts: dict, lang: str = "en") -> str:
    """A manifest in one line, for the foot of a chart or the head of a table."""
    parts = [f"transfer-sim {facts['version']}"]
    for key in RUN_FACTS:
        if key in facts:
            value = facts[key]
            shown = (levers_text(value) or text("controls.none", lang)) if key == "levers" else value
            parts.append(text(f"manifest.{key}", lang, value=f"{shown:,}" if key == "firms" else shown))
    parts += [f"{key} {value}" for key, value in facts.items()
              if key not in (*RUN_FACTS, *COMMON, "kind", "start_year")]
    return " · ".join(parts)
