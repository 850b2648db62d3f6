"""``python -m transfer_sim.backcast.document docs/backcast.md``: the back-cast's results in its page.

Runs the shipped parameters on the timeline's firms and seeds and writes what the page quotes --
the estimate with its profile intervals, the errors beside persistence and the linear trend, the
stylized facts, the east's shares, relocation and exports -- between the page's markers
``<!-- backcast results ... -->`` and ``<!-- end of backcast results -->``; ``--check`` only says
whether the page agrees (``make backcast``).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd

from ..page_update import update_page
from . import history, smm
from .pipeline import DEFAULT_PARAMS, DEFAULT_TIMELINE, Outcome, Request, run, shipped_parameters
from .timeline import load

MARKERS = re.compile(r"<!-- backcast results.*?<!-- end of backcast results -->", re.DOTALL)
NAMES = {"gdp": "GDP", "secondary_va": "secondary value added", "exports": "exports"}


@cache
def shipped_outcome() -> Outcome:
    """The back-cast of the shipped parameters at the timeline's own firms and seeds (run once a process)."""
    timeline = load(DEFAULT_TIMELINE)
    settings = timeline.calibration
    with tempfile.TemporaryDirectory() as out:
        return run(Request(timeline, Path(out), settings.firms, settings.seeds,
                           parameters=shipped_parameters(DEFAULT_PARAMS, settings)))


def block(outcome: Outcome, estimate: dict) -> str:
    """The page's results, markers included; ``estimate`` is the shipped params.json."""
    settings = outcome.document["simulation"]
    lines = [f"<!-- backcast results: written by `make backcast` from a run of the shipped parameters "
             f"({settings['firms']:,} firms, {settings['seeds']} seeds) -->", ""]
    lines += [parameter_table(estimate), "", errors_table(outcome.errors), "",
              facts_table(outcome.facts), "", shares_text(outcome.fit), "", activity_text(outcome), "",
              "<!-- end of backcast results -->"]
    return "\n".join(lines)


def parameter_table(estimate: dict) -> str:
    profile = estimate["search"]["profile"]
    rows = ["| parameter | range | estimate | profile interval | RMSE at the interval's ends (pp) |",
            "|---|---|---|---|---|"]
    for name, value in estimate["parameters"].items():
        low, high = estimate["ranges"][name]
        entry = profile["parameters"][name]
        ends = [entry["rmse_pp"][entry["values"].index(v)] for v in entry["interval"]]
        rows.append(f"| `{name}` | {low:g} to {high:g} | {value:.3g} | {entry['interval'][0]:.3g} to "
                    f"{entry['interval'][1]:.3g} | {ends[0]:.3f} / {ends[1]:.3f} |")
    search = estimate["search"]
    return "\n".join(rows) + (
        f"\n\nCalibration RMSE {estimate['objective']['rmse_pp']:.3f} pp over {estimate['objective']['moments']} "
        f"moments, found in {search['evaluations']} evaluations ({search['method']}). The profile interval of a "
        f"parameter holds the values, reached from the estimate with the others held, whose RMSE exceeds the "
        f"estimate's by at most {profile['tolerance_pp']:.3f} pp: the larger of the seed noise "
        f"({profile['seed_noise_pp']:.3f} pp, the change of the RMSE at the estimate on another set of seeds) and "
        f"the rise a 95 % profile-likelihood interval allows if the gaps were independent "
        f"({smm.likelihood_tolerance(estimate['objective']['rmse_pp'], estimate['objective']['moments']):.3f} pp). "
        f"An interval that ends at a bound of the range means the data would take the parameter beyond it."
        f"{profile_minimum_text(estimate)}")


def profile_minimum_text(estimate: dict) -> str:
    """A sentence on the lowest RMSE the profile reached, when it is below the estimate's: within
    the seed noise the search stopped at the minimum as far as the simulations can tell."""
    profile, best = estimate["search"]["profile"], estimate["objective"]["rmse_pp"]
    lowest = min(((rmse, name, value) for name, entry in profile["parameters"].items()
                  for value, rmse in zip(entry["values"], entry["rmse_pp"])), default=(best, None, None))
    if lowest[0] >= best:
        return ""
    rmse, name, value = lowest
    verdict = ("within the seed noise, so the estimate is the minimum as far as the simulations can tell"
               if best - rmse <= profile["seed_noise_pp"] else "more than the seed noise: the search stopped short of the minimum")
    return (f" The profile's lowest RMSE, {rmse:.3f} pp at `{name}` = {value:.3g}, is {best - rmse:.3f} pp below the "
            f"estimate's, {verdict}.")


def errors_table(errors: pd.DataFrame) -> str:
    rows = ["| metric | calibration 2005–2013: model | 2005 shares held | holdout 2014–2019: model | "
            "2013 shares held | linear trend of 2005–2013 | model beats both |", "|---|---|---|---|---|---|---|"]
    table = errors.set_index(["metric", "split"])
    for metric in history.METRICS:
        cal, hold = table.loc[(metric, "calibration")], table.loc[(metric, "holdout")]
        rows.append(f"| {NAMES[metric]} | {cal['rmse_pp']:.2f} | {cal['naive_pp']:.2f} | **{hold['rmse_pp']:.2f}** | "
                    f"{hold['naive_pp']:.2f} | {hold['trend_pp']:.2f} | {'yes' if hold['beats_both'] else 'no'} |")
    return "RMSE in percentage points over the four macro-regions and the years of each split.\n\n" + "\n".join(rows)


def facts_table(facts: pd.DataFrame) -> str:
    rows = ["| stylized fact | data | simulated | target | |", "|---|---|---|---|---|"]
    for fact in facts.itertuples():
        rows.append(f"| {fact.fact} | {fact.data} | {fact.simulated} | {fact.target} | "
                    f"{'met' if fact.met else 'missed'} |")
    return "\n".join(rows)


def shares_text(fit: pd.DataFrame) -> str:
    def at(metric, region, year, column):
        row = fit[(fit["metric"] == metric) & (fit["region"] == region) & (fit["year"] == year)]
        return float(row[column].iloc[0])

    parts = []
    for metric, region in (("gdp", "east"), ("secondary_va", "east"), ("gdp", "northeast"),
                           ("exports", "central_plus_west")):
        years = (2005, 2013, 2019)
        path = " → ".join(f"{at(metric, region, y, 'simulated_pct'):.1f}" for y in years)
        data = " → ".join(f"{at(metric, region, y, 'target_pct'):.1f}" for y in years)
        parts.append(f"{region.replace('_', ' ')} {NAMES[metric]} {path} % (data {data})")
    return "Simulated shares in 2005, 2013 and 2019: " + "; ".join(parts) + "."


def activity_text(outcome: Outcome) -> str:
    relocation = outcome.simulation.relocation.set_index("year")["relocation_pct"]
    central = outcome.simulation.central.regions.groupby("year")[["exports", "gdp"]].sum()
    ratio = 100 * central["exports"] / central["gdp"]
    first, last = ratio.index.min(), ratio.index.max()
    calibration = relocation.loc[list(smm.MOMENT_YEARS)]
    holdout = relocation.loc[list(history.HOLDOUT)]
    return (f"Firms relocating across provinces: {calibration.mean():.2f} % a year in 2006–2013 (at most "
            f"{calibration.max():.2f} %), {holdout.mean():.2f} % in 2014–2019. Exports: {ratio[first]:.1f} % of "
            f"GDP in {first} and {ratio[last]:.1f} % in {last} in the first seed's run (national accounts: 33.4 % "
            f"and 17.5 %).")


def with_results(doc: str) -> str:
    """The page with its results block written from the back-cast of the shipped estimate."""
    if not MARKERS.search(doc):
        raise ValueError("the page has no '<!-- backcast results -->' ... '<!-- end of backcast results -->' markers")
    return MARKERS.sub(lambda _: block(shipped_outcome(), json.loads(DEFAULT_PARAMS.read_text())), doc)


def main(argv=None) -> int:
    return update_page(argv, "python -m transfer_sim.backcast.document", "Write the back-cast's results into its page.",
                       "the back-cast page (docs/backcast.md)", with_results, "the back-cast")


if __name__ == "__main__":
    sys.exit(main())
