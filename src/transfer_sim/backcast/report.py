"""The Backcast view: one offline HTML page with the fit, its errors, the stylized facts and
the calibration, in the batch report's style."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ..batch.errors import UserError
from ..batch.report import html_figure, html_page, html_section, html_table
from ..batch.storage import atomic_write
from ..geography import MACRO_REGIONS
from . import figures, history
from .simulate import Simulation

WORST_GAPS = 8


def write(path: Path, fit: pd.DataFrame, errors: pd.DataFrame, facts: pd.DataFrame, simulation: Simulation,
          document: dict, evaluations: pd.DataFrame | None = None) -> Path:
    """Write the page to ``path``; ``document`` is the content of params.json."""
    parameters = pd.DataFrame({"value": document["parameters"]})
    parameters["range"] = [str(document["ranges"].get(n, "")) for n in parameters.index]
    profile = document.get("search", {}).get("profile")
    if profile is not None:
        parameters["profile interval"] = ["{:.4g} to {:.4g}".format(*profile["parameters"][n]["interval"])
                                          for n in parameters.index]
    objective = document["objective"]
    settings = document["simulation"]
    intro = (f"<p>Timeline <b>{html.escape(document['timeline'])}</b>, {settings['firms']:,} firms, "
             f"{settings['seeds']} seeds per point (common random numbers). Calibrated on "
             f"{history.CALIBRATION.start}-{history.CALIBRATION.stop - 1}, held out "
             f"{history.HOLDOUT.start}-{history.HOLDOUT.stop - 1}. Calibration RMSE "
             f"{objective['rmse_pp']:.2f} pp over {objective['moments']} moments. Targets: GDP on the NBS "
             "unified vintage, secondary value added on the unified GDP level (first-release shares to 2013: "
             "a revision break at 2013-2014), exports by source of goods; see docs/backcast.md.</p>")
    sections = [
        html_section("Back-cast", intro + html_table(parameters.rename_axis("parameter"))),
        html_section("Target and simulated macro-region shares (grey: holdout years)", html_figure(figures.fit_grid(fit))),
        html_section("Errors: RMSE over the four macro-regions and the years of each split (pp), beside holding "
                     "the last observed shares (naive) and the linear trend of the calibration years (trend)",
                     html_table(errors.set_index(["metric", "split"]).round(2))),
        html_section("Stylized facts", html_table(facts.set_index("fact").round(2))),
        html_section("Largest gaps (simulated minus target, pp)", html_table(worst_gaps(fit))),
        html_section("Where industry leaves the east first", html_figure(figures.sector_shift(simulation.sectors))),
    ]
    if evaluations is not None:
        sections.append(html_section("Calibration search", html_figure(figures.search(evaluations))))
    path = Path(path)
    try:
        atomic_write(path, html_page("transfer-sim: back-cast", "\n".join(sections)).encode("utf-8"))
    except OSError as error:
        raise UserError(f"{path}: cannot write the report ({error.strerror or error})") from None
    return path


def worst_gaps(fit: pd.DataFrame) -> pd.DataFrame:
    """The largest gaps of each split among the four macro-regions."""
    macro = fit[fit["region"].isin(MACRO_REGIONS)].assign(gap_pp=lambda f: f["simulated_pct"] - f["target_pct"])
    worst = macro.reindex(macro["gap_pp"].abs().sort_values(ascending=False).index)
    return (worst.groupby("split", sort=False).head(WORST_GAPS).sort_values(["split", "gap_pp"], key=_by_size)
            .set_index(["split", "metric", "region", "year"]).round(2))


def _by_size(column: pd.Series) -> pd.Series:
    return -column.abs() if column.name == "gap_pp" else column
