"""What students should find in each lesson, computed from the runs its steps set up.

Each lesson of ``lessons.toml`` has a ``findings`` text for ``docs/teaching.md`` whose numbers
are blanks (``{sichuan}``); the function for the lesson here runs the scenarios of its steps,
with the dashboard's default years, firms and seed (the Theory lab's economy for the
home-market lesson), and fills them, rounded as a teacher would quote them. So the notes
change with the model and never quote a number no run gives.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import TYPE_CHECKING, Callable

import pandas as pd

from ..metrics import resilience
from ..sectors import sector_table
from ..textbook import home_market_share, settled_share
from .session import Snapshot, run_to_end
from .settings import Settings
from .theory import two_region_run

if TYPE_CHECKING:
    from .lessons import Lesson

#: The years, firms and seed of every run behind the findings: the sidebar's defaults.
RUN = Settings()
#: The corridor lesson's hubs' neighbours, as its step names them.
CORRIDOR_NEIGHBOURS = ("Guangxi", "Jiangxi", "Anhui", "Inner Mongolia")


# ------------------------------------------------------------------------------- numbers as words
def about(value: float, step: float) -> str:
    """``value`` rounded to a multiple of ``step``, with thousands separators and a true minus sign."""
    digits = max(0, -math.floor(math.log10(step)))
    rounded = round(value / step) * step
    return f"{rounded + 0.0:,.{digits}f}".replace("-", "−")


def signed(value: float, step: float) -> str:
    """:func:`about` with a plus sign on gains."""
    shown = about(value, step)
    return shown if shown.startswith("−") or float(shown.replace(",", "")) == 0 else f"+{shown}"


def change(new: float, old: float) -> float:
    """The change from ``old`` to ``new`` in per cent of ``old``."""
    return 100 * (new / old - 1)


# ------------------------------------------------------------------------------- runs
@cache
def _snapshot(preset: str, levers_json: str) -> Snapshot:
    return run_to_end(RUN.with_preset(preset).with_lever_changes(json.loads(levers_json)))


def snapshot(preset: str, levers: dict) -> Snapshot:
    """The run of a preset with lever changes, as the page runs it (one run per scenario and process)."""
    return _snapshot(preset, json.dumps(levers, sort_keys=True))


def step_run(entry: Lesson, number: int, **more_levers) -> Snapshot:
    """The run of the lesson's step ``number`` (counted from 1), with further lever changes."""
    preset, levers = entry.scenario(entry.step[number - 1])
    return snapshot(preset, {**levers, **more_levers})


def reference_run(entry: Lesson, number: int) -> Snapshot:
    """The run of the reference preset that step ``number`` compares against."""
    return snapshot(entry.step[number - 1].reference, {})


def last(snap: Snapshot) -> pd.DataFrame:
    """The regions table of the run's last year, by province."""
    return snap.regions[snap.regions["year"] == snap.year].set_index("region")


def macro_shares(snap: Snapshot, column: str) -> pd.DataFrame:
    """Each macro-region's share (%) of ``column`` by year."""
    totals = snap.regions.groupby(["year", "macro_region"])[column].sum().unstack()
    return 100 * totals.div(totals.sum(axis=1), axis=0)


def at_end(snap: Snapshot, column: str) -> float:
    """A national indicator of the summary in the run's last year."""
    return float(snap.summary[column].iloc[-1])


def fiscal_total(snap: Snapshot, lever: str) -> float:
    """The run's net fiscal cost over all its years (bn CNY) of one lever."""
    if lever not in set(snap.fiscal["lever"]):
        raise ValueError(f"the run's fiscal accounts have no lever {lever!r}; "
                         f"they have {sorted(set(snap.fiscal['lever']))}")
    return float(snap.fiscal.loc[snap.fiscal["lever"] == lever, "cost"].sum())


# ------------------------------------------------------------------------------- one lesson each
def home_market(entry: Lesson) -> dict[str, str]:
    """The Theory lab's settled share of firms at each step's knobs (``share_N``), the formula's
    (``theory_N``), and the demand share at which the formula reaches full agglomeration for
    the first step's trade freeness (``corner``)."""
    found = {}
    for number, step in enumerate(entry.step, start=1):
        knobs = step.theory
        model, _ = two_region_run(knobs.s_e, knobs.phi, knobs.beta)
        found[f"share_{number}"] = about(settled_share(model), 0.01)
        found[f"theory_{number}"] = about(home_market_share(knobs.s_e, knobs.phi), 0.01)
    phi = entry.step[0].theory.phi
    found["corner"] = about(0.5 + 0.5 * (1 - phi) / (1 + phi), 0.01)  # where 1/2 + ((1+φ)/(1−φ))(s_E − 1/2) = 1
    return found


def corridor(entry: Lesson) -> dict[str, str]:
    """Firms gained and lost by province against the reference after the run, the share of
    Sichuan's gain in export-oriented sectors, the hubs' neighbours and national output."""
    yours, reference = step_run(entry, 1), reference_run(entry, 1)
    gained = last(yours)["firms"] - last(reference)["firms"]
    sectors = sector_table()
    exporting = [name for name, orientation in zip(sectors.names, sectors.export_orientation) if orientation > 1]
    by_sector = sector_firms(yours, "Sichuan") - sector_firms(reference, "Sichuan")
    labels = dict(zip(sectors.names, sectors.labels))
    return {"sichuan": about(gained["Sichuan"], 10), "chongqing": about(gained["Chongqing"], 10),
            "guangdong": signed(gained["Guangdong"], 10),
            "sichuan_export": about(100 * by_sector[exporting].sum() / gained["Sichuan"], 5),
            "export_sectors": word_list([labels[name].lower() for name in exporting]),
            "neighbours": neighbours_sentence(gained),
            "output": signed(change(at_end(yours, "output"), at_end(reference, "output")), 0.1)}


def sector_firms(snap: Snapshot, region: str) -> pd.Series:
    """A province's firms by sector in the run's last year."""
    sectors = snap.sectors[(snap.sectors["year"] == snap.year) & (snap.sectors["region"] == region)]
    return sectors.set_index("sector")["firms"]


def neighbours_sentence(gained: pd.Series) -> str:
    """Which of the hubs' neighbours lose firms, which gain and which keep about as many (to the
    nearest ten), with how many."""
    rounded = {name: round(float(gained[name]), -1) for name in CORRIDOR_NEIGHBOURS}

    def named(test: Callable[[float], bool]) -> list[str]:
        return [f"{name} ({signed(firms, 10)})" for name, firms in rounded.items() if test(firms)]

    losing, gaining = named(lambda firms: firms < 0), named(lambda firms: firms > 0)
    same = [name for name, firms in rounded.items() if firms == 0]
    others = [f"{word_list(gaining)} {verb('gain', len(gaining))}"] if gaining else []
    others += [f"{word_list(same)} {verb('keep', len(same))} about as many"] if same else []
    if not losing:
        return f"None of the hubs' neighbours loses firms: {word_list(others)}."
    rest = f"; {word_list(others)}." if others else "."
    return f"Some neighbours of the hubs lose firms: {word_list(losing)}{rest}"


def verb(word: str, subjects: int) -> str:
    """A verb in the present tense for one subject or several."""
    return word if subjects > 1 else f"{word}s"


def word_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def cage_and_nest(entry: Lesson) -> dict[str, str]:
    """Macro-regional shares, inequality, real GDP against the reference and the fiscal accounts
    of the whole policy, and the east's loss of share with each half alone (steps 3 and 4)."""
    policy, reference = step_run(entry, 1), reference_run(entry, 1)
    industry, gdp = macro_shares(policy, "industry_va"), macro_shares(policy, "gdp")
    first, end = policy.summary.iloc[0], policy.summary.iloc[-1]
    real_gdp = change(at_end(policy, "real_gdp"), at_end(reference, "real_gdp"))

    def east_moved(number: int) -> str:
        shares = macro_shares(step_run(entry, number), "industry_va")["east"]
        return signed(shares.iloc[-1] - shares.iloc[0], 0.1)

    return {"east_va_start": about(industry["east"].iloc[0], 0.1), "east_va_end": about(industry["east"].iloc[-1], 0.1),
            "centre_gain": about(industry["central"].iloc[-1] - industry["central"].iloc[0], 0.1),
            "west_gain": about(industry["west"].iloc[-1] - industry["west"].iloc[0], 0.1),
            "east_gdp_start": about(gdp["east"].iloc[0], 0.1), "east_gdp_end": about(gdp["east"].iloc[-1], 0.1),
            "theil_start": about(first["theil_total"], 0.001), "theil_end": about(end["theil_total"], 0.001),
            "cv_start": about(first["cv_gdp_per_capita"], 0.01), "cv_end": about(end["cv_gdp_per_capita"], 0.01),
            "real_gdp": about(abs(real_gdp), 0.1), "above_or_below": "above" if real_gdp >= 0 else "below",
            **{lever: about(abs(fiscal_total(policy, lever)), 50)
               for lever in ("nest_investment", "nest_subsidy", "upgrade_subsidy", "cage_fee")},
            "peak_cost": about(policy.summary["fiscal_cost_pct_gdp"].max(), 0.1),
            "nest_alone": east_moved(3), "fee_alone": east_moved(4)}


def barriers(entry: Lesson) -> dict[str, str]:
    """Cross-province relocations a year and the final Theil index at each step's barrier, and
    the change of value added and real GDP from the first step's barrier to the last's."""
    runs = [step_run(entry, number) for number in range(1, len(entry.step) + 1)]
    found = {}
    for number, snap in enumerate(runs, start=1):
        found[f"relocations_{number}"] = about(snap.summary["cross_province_relocations"].iloc[1:].mean(), 10)
        found[f"theil_{number}"] = about(at_end(snap, "theil_total"), 0.001)
    for column in ("value_added", "real_gdp"):
        found[column] = signed(change(at_end(runs[-1], column), at_end(runs[0], column)), 0.1)
    return found


def resilience_lesson(entry: Lesson) -> dict[str, str]:
    """Each step's shock against the same scenario without it: output lost on impact (%), the
    years to recover, and the hinterland lever's fiscal cost over the run (step 2)."""
    found = {}
    for number, name in ((1, "coastal"), (2, "hinterland")):
        shocked, calm = step_run(entry, number), step_run(entry, number, shocks=[])
        shock_year = min(shock.year for shock in shocked.settings.policy.shocks)
        outcome = resilience(shocked.summary, calm.summary, shock_year=shock_year)
        found[f"{name}_impact"] = about(100 * outcome["impact"], 0.1)
        found[f"{name}_impact_precise"] = about(100 * outcome["impact"], 0.01)
        years = outcome["years_to_recover"]
        found[f"{name}_recovery"] = ("has not recovered by the end of the run" if years is None
                                     else f"is back within {years} year{'s' if years != 1 else ''}")
    found["hinterland_cost"] = about(fiscal_total(step_run(entry, 2), "hinterland_subsidy"), 50)
    return found


def red_lines(entry: Lesson) -> dict[str, str]:
    """How many provinces are at the zoning cap at the end with no headroom (step 1, in words), and
    firms at the end with no headroom and with the headroom of step 2."""
    tight, loose = step_run(entry, 1), step_run(entry, 2)
    end = last(tight)
    firms_tight, firms_loose = at_end(tight, "firms"), at_end(loose, "firms")
    capped, provinces = int((end["land_used"] >= 0.995 * end["land_cap"]).sum()), len(end)
    at_cap = f"all {capped} provinces are" if capped == provinces else f"{capped} of the {provinces} provinces are"
    return {"capped": at_cap,
            "fewer_firms": about(firms_loose - firms_tight, 10),
            "firms_tight": about(firms_tight, 100), "firms_loose": about(firms_loose, 100)}


#: The function that computes each lesson's findings, by lesson id.
FINDINGS: dict[str, Callable[[Lesson], dict[str, str]]] = {
    "home_market": home_market, "corridor": corridor, "cage_and_nest": cage_and_nest,
    "barriers": barriers, "resilience": resilience_lesson, "red_lines": red_lines,
}


def run_words() -> dict[str, str]:
    """The size of the runs, for the texts: years, firms and seed."""
    return {"years": str(RUN.years), "firms": f"{RUN.n_firms:,}", "seed": str(RUN.seed)}


def findings_text(entry: Lesson) -> str:
    """The lesson's findings text with its blanks filled from the runs."""
    values = {**run_words(), **FINDINGS[entry.id](entry)}
    try:
        return entry.findings.format(**values)
    except KeyError as missing:
        raise ValueError(f"the findings of the lesson {entry.id!r} use {missing}, which "
                         f"{FINDINGS[entry.id].__name__}() does not compute") from None
