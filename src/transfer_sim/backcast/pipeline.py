"""``transfer-sim backcast``: calibrate (or take the shipped parameters), simulate the
timeline with several seeds, and write the fit, the parameters and the report.

    DIR/fit.parquet          year, metric, region, target_pct, simulated_pct, split
    DIR/params.json          parameters, their ranges, the objective, the settings
    DIR/summary.parquet      the central run's summary frame (the first seed), one row a year
    DIR/sectors.parquet      year, sector, region (macro-region), share_pct of the sector's national output (central run)
    DIR/evaluations.parquet  every point the calibration evaluated (with --calibrate)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pandas as pd

from ..batch.errors import UserError
from ..geography import MACRO_REGIONS
from ..batch.executors import open_executor
from ..batch.storage import write_frame, write_json
from ..batch.store import ensure_writable
from . import fit, history, measure, report, simulate, smm
from .timeline import Calibration, Timeline

_DATA = Path(str(files("transfer_sim") / "data"))
DEFAULT_TIMELINE = _DATA / "history_2005_2019.toml"  # shipped with the package: found from anywhere
DEFAULT_PARAMS = _DATA / "backcast_params.json"


@dataclass(frozen=True)
class Request:
    timeline: Timeline
    out: Path
    firms: int
    seeds: int
    calibrate: bool = False
    parameters: dict | None = None  # the shipped parameters, without --calibrate
    evaluations: int | None = None  # override the timeline's budget
    workers: int | str = 0
    html: Path | None = None


@dataclass(frozen=True)
class Outcome:
    document: dict  # params.json
    errors: pd.DataFrame  # fit.errors
    facts: pd.DataFrame  # fit.stylized_facts
    fit: pd.DataFrame  # fit.parquet
    simulation: simulate.Simulation


def shipped_parameters(path: Path, calibration: Calibration) -> dict[str, float]:
    """The ``parameters`` of a params.json, checked: the timeline calibrates each of them, and
    each lies in the range the calibration searches."""
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))["parameters"]
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; calibrate with --calibrate or pass --params FILE") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise UserError(f"{path}: not a parameters file with a 'parameters' table ({error})") from None
    if not isinstance(values, dict):
        raise UserError(f"{path}: 'parameters' must be a table of name: value")
    ranges = calibration.parameters
    for name, value in values.items():
        if name not in ranges:
            raise UserError(f"{path}: unknown parameter {name!r}; the timeline calibrates: {', '.join(ranges)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise UserError(f"{path}: parameter {name} must be a finite number, got {value!r}")
        low, high = ranges[name]
        if not low <= value <= high:
            raise UserError(f"{path}: parameter {name} is {value}; the timeline calibrates it in [{low}, {high}]")
    return {name: float(value) for name, value in values.items()}


def run(request: Request, progress=None) -> Outcome:
    """Everything the command does after its input is checked."""
    timeline, settings = request.timeline, request.timeline.calibration
    seeds = simulate.replicate_seeds(settings.seed, request.seeds)
    ensure_writable(request.out)
    if request.html is not None:
        ensure_writable(request.html.parent)
    result = profile = None
    if request.calibrate:
        budget = request.evaluations or settings.evaluations
        problem = smm.Problem(timeline, tuple(seeds), request.firms)
        with open_executor(request.workers) as executor:
            result = smm.calibrate(problem, budget, min(settings.design_points, budget - 1), settings.seed,
                                   executor, progress)
        parameters = result.parameters
        after_search = (lambda done: progress(budget + done)) if progress else None  # the uncertainty's simulations
        noise = smm.seed_noise(problem, parameters, tuple(simulate.replicate_seeds(settings.seed + 1, request.seeds)))
        if after_search:
            after_search(2)
        tolerance = max(noise, smm.likelihood_tolerance(math.sqrt(result.objective), smm.moment_count()))
        profile = {"seed_noise_pp": noise, "tolerance_pp": tolerance,
                   "parameters": smm.profile(problem, parameters, tolerance,
                                             after_search and (lambda done: after_search(3 + done)))}
    else:
        parameters = request.parameters or {}
    simulation = simulate.simulated(timeline, parameters, seeds, request.firms)
    table = fit.table(simulation)
    errors, facts = fit.errors(table), fit.stylized_facts(table, simulation)
    document = params_document(timeline, parameters, smm.objective(simulation.shares, simulation.relocation),
                               request, result, profile)
    write_frame(request.out / "fit.parquet", table)
    write_json(request.out / "params.json", document)
    central = simulation.central
    write_frame(request.out / "summary.parquet", central.summary)
    write_frame(request.out / "sectors.parquet", measure.macro_sector_shares(central.sectors, central.regions))
    if result is not None:
        write_frame(request.out / "evaluations.parquet", result.evaluations)
    if request.html is not None:
        report.write(request.html, table, errors, facts, simulation, document,
                     None if result is None else result.evaluations)
    return Outcome(document, errors, facts, table, simulation)


def params_document(timeline: Timeline, parameters: dict, objective: float, request: Request,
                    result: smm.Result | None, profile: dict | None) -> dict:
    settings = timeline.calibration
    document = {
        "timeline": timeline.timeline.name,
        "calibrated": result is not None,
        "parameters": parameters,
        "ranges": {name: list(bounds) for name, bounds in settings.parameters.items()},
        "objective": {
            "value": objective, "unit": "pp^2, mean squared gap of simulated and target shares (and of "
                                        "relocation above 1 % a year)",
            "rmse_pp": math.sqrt(objective), "moments": smm.moment_count(),
            "years": [smm.MOMENT_YEARS.start, smm.MOMENT_YEARS.stop - 1],
            "metrics": list(history.METRICS), "regions": list(MACRO_REGIONS), "weights": "identity",
        },
        "simulation": {"firms": request.firms, "seeds": request.seeds, "seed": settings.seed},
    }
    if result is not None:
        document["search"] = {
            "method": "Latin hypercube, then bounded Nelder-Mead from the best point",
            "evaluations": len(result.evaluations),
            "profile": {"offsets": f"{list(smm.PROFILE_OFFSETS)} of the range", **profile},
        }
    return document
