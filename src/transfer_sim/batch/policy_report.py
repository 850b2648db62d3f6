"""The HTML reports of a policy search and of a scenario discovery, in the page of the sweep report.

A search's report: the Pareto front in the plane of each pair of objectives (every candidate
shown, the Pareto set with its seed intervals), the Pareto mixes across parallel axes of
levers and objectives, their table, and maps of the chosen mixes' provincial shares of value
added against the baseline run on the same seeds. A discovery's report: the failure
criterion, PRIM's boxes with their coverage, density and mass, the coverage-density curves
of the peeling and the sample points in the plane of the inputs the first box restricts most.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import discover, figures, optimize
from .collect import read_manifest, read_parquet
from .errors import UserError
from .report import html_figure, html_page, html_section, html_table, share_differences
from .spec import DiscoverFile
from .storage import atomic_write
from .store import Store, ensure_writable

KINDS = ("optimize", "discover")
MOST_MAPS = 12  # mixes in the map's menu, spread along the front


def write(root: str | Path, path: str | Path) -> Path:
    """Write the report of an optimize or discover directory to ``path``."""
    root, path = Path(root), Path(path)
    manifest = read_manifest(root)
    ensure_writable(path.parent)
    if manifest.get("kind") == "optimize":
        title, body = _search(optimize.load(root, manifest))
    else:
        title, body = _discovery(root, manifest)
    try:
        atomic_write(path, html_page(title, body).encode("utf-8"))
    except OSError as error:
        raise UserError(f"{path}: cannot write the report ({error.strerror or error})") from None
    return path


def _search(search: optimize.Search) -> tuple[str, str]:
    spec, evaluations, front = search.spec, search.evaluations, search.pareto
    settings = spec.optimize
    objectives = [(o.outcome, o.sense) for o in spec.objectives]
    names = [name for name, _ in objectives]
    overview = pd.DataFrame([{
        "search": settings.name, "directory": str(search.root), "status": search.manifest.get("status"),
        "evaluations": len(evaluations), "Pareto set": len(front), "seeds": settings.seeds,
        "years": settings.years, "firms": settings.firms, "executor": search.manifest.get("executor"),
        "constraints": "; ".join(_bound(c) for c in spec.constraints) or "none",
    }]).set_index("search")
    sections = [html_section("Policy search", html_table(overview))]
    if front.empty:
        sections.append(html_section("Pareto set", "<p>No evaluated mix meets the constraints.</p>"))
        return f"transfer-sim: {settings.name}", "\n".join(sections)
    on_front = evaluations["evaluation"].isin(_first_evaluations(evaluations, front))
    sections.append(html_section("Pareto front (bars: 95 % interval over the seeds)",
                                 html_figure(figures.pareto_front(evaluations, on_front, objectives))))
    sections.append(html_section("Pareto mixes: levers and objectives",
                                 html_figure(figures.parallel_levers(front, _searched(spec), names))))
    sections.append(html_section("Pareto set (mean [95 % interval over the seeds])",
                                 html_table(_front_table(front, list(spec.levers), names))))
    chosen = optimize.spread(front, MOST_MAPS)
    regions = _regions(search, chosen)
    differences = share_differences(regions, [optimize.BASELINE, *chosen["mix"]], optimize.BASELINE)
    sections.append(html_section(
        f"Change in provincial share of value added against the baseline ({settings.baseline!r}), final year "
        "(percentage points; the menu picks the mix)", html_figure(figures.difference_map(differences, "pp"))))
    return f"transfer-sim: {settings.name}", "\n".join(sections)


def _searched(spec) -> dict[str, list]:
    """Each lever's searched values: [low, high] of a range, or its choices."""
    return {name: list(space) if isinstance(space, tuple) else list(space.choices) for name, space in spec.levers.items()}


def _first_evaluations(evaluations: pd.DataFrame, front: pd.DataFrame) -> list[int]:
    return evaluations[evaluations["mix"].isin(front["mix"])].drop_duplicates("mix")["evaluation"].tolist()


def _bound(bound) -> str:
    return f"{bound.outcome} <= {bound.at_most}" if bound.at_most is not None else f"{bound.outcome} >= {bound.at_least}"


def _front_table(front: pd.DataFrame, levers: list[str], objectives: list[str]) -> pd.DataFrame:
    table = front.set_index("mix")[levers].map(lambda v: f"{v:.4g}" if isinstance(v, float) else v)
    for name in objectives:
        table[name] = [f"{m:.4g} [{lo:.4g}, {hi:.4g}]" if pd.notna(lo) else f"{m:.4g}"
                       for m, lo, hi in zip(front[name], front[f"{name}_low"], front[f"{name}_high"])]
    return table


def _regions(search: optimize.Search, chosen: pd.DataFrame) -> pd.DataFrame:
    """The regions tables of the baseline's and the chosen mixes' runs."""
    store = Store(search.root, optimize.SEARCH)
    ids = [*search.baseline_runs, *(i for ids in chosen["run_ids"] for i in ids)]
    tables = store.collect(ids, ("regions",))
    if not tables:
        raise UserError(f"{search.root}: the runs of the Pareto set are missing from runs/")
    return tables["regions"].to_pandas()


def _discovery(root: Path, manifest: dict) -> tuple[str, str]:
    spec = DiscoverFile.model_validate({"discover": manifest.get("settings", {})}).discover
    files = {name: root / name for name in (discover.POINTS, discover.BOXES, discover.TRAJECTORY)}
    if not all(path.is_file() for path in files.values()):
        raise UserError(f"{root}: the discovery has not finished (no {discover.BOXES}); finish it with --resume")
    points, boxes, trajectory = (read_parquet(files[n]) for n in (discover.POINTS, discover.BOXES,
                                                                   discover.TRAJECTORY))
    failure = spec.failure
    bound = f">= {failure.at_least}" if failure.at_least is not None else f"<= {failure.at_most}"
    overview = pd.DataFrame([{
        "discovery": spec.name, "directory": str(root), "points": len(points), "seeds": spec.seeds,
        "failing points": int(points["failed"].sum()),
        "fails when": f"{failure.measure} of {failure.outcome} {bound}",
        "policy": f"{spec.policy.preset} {dict(spec.policy.levers) or ''}".strip(),
        "reference": f"{spec.reference.preset} {dict(spec.reference.levers) or ''}".strip() if spec.reference else "",
        "years": spec.years, "firms": spec.firms, "executor": manifest.get("executor"),
    }]).set_index("discovery")
    sections = [html_section("Scenario discovery", html_table(overview))]
    if boxes.empty:
        sections.append(html_section("PRIM boxes", "<p>No point fails: there is no box to find.</p>"))
        return f"transfer-sim: {spec.name}", "\n".join(sections)
    restricted = boxes[boxes["restricted"]].set_index(["box", "parameter"])
    sections.append(html_section("PRIM boxes: the restricted inputs, and each box's coverage, density and mass",
                                 html_table(restricted.round(4) if len(restricted) else boxes.set_index(["box", "parameter"]))))
    sections.append(html_section("Coverage-density trade-off of the peeling (ringed: the chosen box)",
                                 html_figure(figures.coverage_density(trajectory))))
    x, y = _plane(boxes, spec.ranges)
    sections.append(html_section(f"Sample points over {x} and {y}, with the boxes",
                                 html_figure(figures.failure_boxes(points, boxes, x, y))))
    return f"transfer-sim: {spec.name}", "\n".join(sections)


def _plane(boxes: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> tuple[str, str]:
    """The two inputs the first box narrows most, as shares of their sampled ranges."""
    first = boxes[boxes["box"] == boxes["box"].min()].set_index("parameter")
    share = {name: (first.at[name, "high"] - first.at[name, "low"]) / (high - low) for name, (low, high) in ranges.items()}
    ranked = sorted(ranges, key=lambda name: share[name])  # stable: the file's order breaks ties
    return (ranked[0], ranked[1]) if len(ranked) > 1 else (ranked[0], ranked[0])
