"""Comparing experiments: tables of outcomes and a self-contained HTML report.

The report holds the final-year outcomes per scenario with confidence intervals over
replicates, the provinces' competition for firms (their terms, park investment and books), the
differences from a reference scenario (paired by seed under common random numbers), the
scenario means over time with their bands, a map of the provinces' change in value-added share
against the reference, the sensitivity ranking when there is one, and the failed runs. Plotly's
script is embedded once, so the file opens offline.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs

from .. import __version__
from . import figures
from ..metrics import local_terms
from .collect import KEY_COLUMNS, LOCAL_TABLES, Experiment
from .errors import UserError
from .outcomes import DEFAULT_OUTCOMES, differences, indicator_of, mean_ci
from .storage import atomic_write
from .store import ensure_writable

MAX_BAND_SCENARIOS = 30  # beyond this, lines over time are unreadable


def merge(experiments: list[Experiment]) -> Experiment:
    """One experiment holding all runs; scenario names that clash get their directory's name."""
    if len(experiments) == 1:
        return experiments[0]
    roots = [e.root.resolve() for e in experiments]
    for e, root in zip(experiments, roots):
        if roots.count(root) > 1:
            raise UserError(f"{e.root}: is named twice; compare different directories")
    labels = [e.root.name for e in experiments]
    if len(set(labels)) < len(labels):
        labels = [str(e.root) for e in experiments]
    names = [s for e in experiments for s in e.scenarios]
    parts = {"summary": [], "regions": [], "failures": [], **{n: [] for n in LOCAL_TABLES}}
    for label, e in zip(labels, experiments):
        rename = {s: f"{label}/{s}" if names.count(s) > 1 else s for s in e.scenarios}
        for name in ("summary", "regions", *LOCAL_TABLES):
            frame = getattr(e, name)
            parts[name].append(None if frame is None else frame.assign(
                run_id=label + "/" + frame["run_id"].astype(str), scenario=frame["scenario"].map(rename)))
        parts["failures"].append(e.failures.assign(run_id=label + "/" + e.failures["run_id"].astype(str)))
    sensitivity = [e.sensitivity for e in experiments if e.sensitivity is not None]
    return Experiment(
        " vs ".join(labels), experiments[0].root, {"kind": "comparison"},
        *(pd.concat(parts[n], ignore_index=True) for n in ("summary", "regions", "failures")),
        sensitivity=pd.concat(sensitivity, ignore_index=True) if sensitivity else None,
        **{n: None if any(f is None for f in parts[n]) else pd.concat(parts[n], ignore_index=True)
           for n in LOCAL_TABLES},  # a directory written before they were stored has none
    )


def pick_reference(experiment: Experiment, reference: str | None) -> str:
    scenarios = experiment.scenarios
    if reference is None:
        return "baseline" if "baseline" in scenarios else scenarios[0]
    if reference not in scenarios:
        raise UserError(f"unknown reference scenario {reference!r}; scenarios: {', '.join(scenarios)}")
    return reference


def outcome_names(experiments: list[Experiment]) -> list[str]:
    return experiments[0].manifest.get("settings", {}).get("outcomes", list(DEFAULT_OUTCOMES))


def outcome_table(experiment: Experiment, outcomes: list[str]) -> pd.DataFrame:
    """Final-year outcomes per scenario: 'mean [low, high]' (95 % interval over replicates)."""
    stats = mean_ci(experiment.outcomes, ["scenario"], outcomes)
    return _spread(stats, "n", experiment.scenarios)


def difference_table(experiment: Experiment, outcomes: list[str], reference: str) -> pd.DataFrame:
    return _spread(differences(experiment.outcomes, reference, outcomes), "n",
                   [s for s in experiment.scenarios if s != reference])


def _spread(stats: pd.DataFrame, count: str, order: list[str]) -> pd.DataFrame:
    text = stats.assign(cell=[_interval(m, lo, hi) for m, lo, hi in zip(stats["mean"], stats["low"], stats["high"])])
    table = text.pivot(index="scenario", columns="metric", values="cell")
    table.insert(0, "runs", stats.groupby("scenario")[count].max())
    table.columns.name = None
    metrics = list(dict.fromkeys(stats["metric"]))
    return table.reindex(index=[s for s in order if s in table.index], columns=["runs", *metrics])


def _interval(mean: float, low: float, high: float) -> str:
    return f"{mean:.4g}" if pd.isna(low) else f"{mean:.4g} [{low:.4g}, {high:.4g}]"


def share_differences(regions: pd.DataFrame, scenarios: list[str], reference: str) -> pd.DataFrame:
    """Final-year provincial share of value added (%), scenario mean minus reference mean, one
    column per scenario of ``scenarios`` other than the reference."""
    final = regions[regions["year"] == regions.groupby("run_id")["year"].transform("max")]
    share = 100 * final["value_added"] / final.groupby("run_id")["value_added"].transform("sum")
    means = final.assign(share=share).pivot_table(index="region", columns="scenario", values="share",
                                                  aggfunc="mean", sort=False)
    others = [s for s in scenarios if s != reference]
    return means[others].sub(means[reference], axis=0)


#: The local competition table's columns, as its rows are computed in :func:`local_competition`.
LOCAL_COLUMNS = {
    "tax_rebate": "tax rebate (% of profit)", "land_discount": "land discount (% of rent)",
    "park_investment": "park investment, all years (bn CNY)", "balance": "balance, final year (bn CNY)",
    "debt": "debt, final year (% of GDP)",
}


def local_competition(experiment: Experiment) -> pd.DataFrame:
    """Per run: the provinces' GDP-weighted mean tax rebate and land discount in the final year
    (%, Σ_r GDP_r x_r / Σ_r GDP_r), their park investment summed over provinces and years, and in
    the final year their summed balance and their debt over their GDP, 100 Σ_r D_r / Σ_r GDP_r."""
    keys = [*KEY_COLUMNS, "year"]
    final = experiment.regions.groupby("run_id")["year"].transform("max") == experiment.regions["year"]
    regions = experiment.regions[final]
    terms = local_terms(experiment.local_policy, regions, keys).set_index(keys)
    local = experiment.local_policy
    parks = local[local["instrument"] == "park_investment"].groupby("run_id")["value"].sum()
    books = experiment.budgets.merge(regions[[*keys, "region", "gdp"]], on=[*keys, "region"])
    totals = books.groupby(keys)[["balance", "debt", "gdp"]].sum()
    runs = (100 * terms).assign(balance=totals["balance"], debt=100 * totals["debt"] / totals["gdp"]).reset_index()
    return runs.assign(park_investment=runs["run_id"].map(parks))


def local_competition_section(experiment: Experiment) -> str:
    """The provinces' competition for firms by scenario, or a sentence why there is none."""
    title = "Local competition: the provinces' terms, investment and books (95 % interval over replicates)"
    if experiment.local_policy is None or experiment.budgets is None:
        return html_section(title, "<p>Not stored: these runs were written by a transfer-sim that did not keep "
                                   "the provinces' instruments and budgets; run them again to see them.</p>")
    if experiment.local_policy.empty:
        return html_section(title, "<p>None: the runs' economy has no local governments.</p>")
    stats = mean_ci(local_competition(experiment), ["scenario"], list(LOCAL_COLUMNS))
    table = _spread(stats.assign(metric=stats["metric"].map(LOCAL_COLUMNS)), "n", experiment.scenarios)
    return html_section(title, html_table(table))


def write_report(experiments: list[Experiment], path: Path, reference: str | None = None,
                 outcomes: list[str] | None = None) -> Path:
    """Write the HTML report of one or more experiments to ``path``."""
    path = Path(path)
    ensure_writable(path.parent)
    combined = merge(experiments)
    reference = pick_reference(combined, reference)
    outcomes = outcomes or outcome_names(experiments)
    sections = [_overview(experiments)]
    scenario_kind = any(e.manifest.get("kind") != "sensitivity" for e in experiments)  # not design points
    if scenario_kind:
        sections.append(html_section("Final-year outcomes (95 % interval over replicates)",
                                     html_table(outcome_table(combined, outcomes))))
    if scenario_kind:
        sections.append(local_competition_section(combined))
    if scenario_kind and len(combined.scenarios) > 1:
        sections.append(html_section(f"Difference from {reference!r} (paired by seed where possible)",
                                     html_table(difference_table(combined, outcomes, reference))))
    if scenario_kind and len(combined.scenarios) <= MAX_BAND_SCENARIOS:
        metrics = list(dict.fromkeys(indicator_of(o) for o in outcomes))
        stats = mean_ci(combined.indicators, ["scenario", "year"], metrics)
        sections.append(html_section("Scenario means over time (bands: 95 % interval)",
                                     html_figure(figures.bands(stats, metrics, combined.scenarios))))
    if scenario_kind and len(combined.scenarios) > 1:
        diff = share_differences(combined.regions, combined.scenarios, reference)
        sections.append(html_section(f"Change in provincial share of value added against {reference!r}, "
                                     "final year (percentage points; the menu picks the scenario)",
                                     html_figure(figures.difference_map(diff, "pp"))))
    if combined.sensitivity is not None:
        sections.append(html_section("Sensitivity ranking", html_figure(figures.ranking(combined.sensitivity))
                                     + html_table(combined.sensitivity.set_index(["outcome", "lever"]).round(5))))
    if len(combined.failures):
        sections.append(html_section(f"Failed runs ({len(combined.failures)})", html_table(combined.failures)))
    page = html_page(f"transfer-sim: {combined.name}", "\n".join(sections))
    try:
        atomic_write(path, page.encode("utf-8"))
    except OSError as error:
        raise UserError(f"{path}: cannot write the report ({error.strerror or error})") from None
    return path


def standalone(figure, title: str) -> str:
    """A page holding one figure (the plot written next to a sensitivity table)."""
    return html_page(title, html_figure(figure))


def _overview(experiments: list[Experiment]) -> str:
    rows = []
    for e in experiments:
        settings = e.manifest.get("settings", {})
        rows.append({"experiment": e.name, "kind": e.manifest.get("kind"), "directory": str(e.root),
                     "runs": e.summary["run_id"].nunique(), "failed": len(e.failures),
                     "years": settings.get("years", e.manifest.get("years")),
                     "firms": settings.get("firms", e.manifest.get("firms")),
                     "replicates": settings.get("replicates", 1),
                     "executor": e.manifest.get("executor", "in-process")})
    return html_section("Experiments", html_table(pd.DataFrame(rows).set_index("experiment")))


def html_section(title: str, body: str) -> str:
    return f"<section><h2>{html.escape(title)}</h2>\n{body}\n</section>"


def html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(classes="data", border=0, na_rep="")


def html_figure(figure) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False)


def html_page(title: str, body: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
table.data {{ border-collapse: collapse; font-size: 0.85em; margin-bottom: 1em; }}
table.data th, table.data td {{ padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; text-align: right; }}
table.data th {{ background: #f4f4f4; }}
section {{ margin-bottom: 2.5em; }}
</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
<h1>{html.escape(title)}</h1>
<p>transfer-sim {__version__}, report written {stamp}.</p>
{body}
</body></html>
"""
