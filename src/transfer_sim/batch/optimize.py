"""Policy search: NSGA-II (pymoo) over the levers, each candidate run on the same seeds.

A candidate is a point of the unit cube, one coordinate per lever searched: a range maps
linearly to ``low + x (high - low)``, a set of k choices to choice ``min(floor(k x), k - 1)``.
Its objectives and constraints are means over its runs (common random numbers: run r of
every candidate has the same seed); pymoo minimises, so a maximised objective enters as its
negative, and a bound ``outcome <= b`` (``>= b``) as ``G = mean - b`` (``b - mean``), met when
``G <= 0``.

The search goes generation by generation: pymoo, seeded from the file, proposes candidates;
their runs that are not stored yet run on the executor, each stored as it finishes; the
candidates' values are then read back from the stored runs and told to pymoo. A run's id is
a digest of its policy and seed, so a resumed search proposes the same candidates, finds
their runs stored and reaches the same Pareto set; the executor cannot change a bit.

    DIR/search.parquet         the file's definition (a resumed search must match it)
    DIR/runs/<run_id>.parquet  one file per run, as in a sweep
    DIR/evaluations.parquet    one row per candidate evaluated, in the order of the search
    DIR/pareto.parquet         the feasible candidates no other feasible candidate dominates
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .collect import read_parquet, run_outcomes
from .design import Run, build_policy
from .errors import UserError
from .outcomes import mean_ci
from .pareto import non_dominated
from .progress import Progress
from .seeds import run_seed
from .spec import Choices, OptimizeFile
from .storage import write_frame
from .store import Store
from .sweep import driving, execute, new_manifest

SEARCH = "search.parquet"
EVALUATIONS = "evaluations.parquet"
PARETO = "pareto.parquet"
BASELINE = "baseline"
FAILED = 1e30  # objectives and constraint excess of a candidate whose runs failed: dominated by all


@dataclass(frozen=True)
class SearchResult:
    out: Path
    evaluations: int
    pareto: int
    failed_runs: int
    seconds: float


def decode(spec: OptimizeFile, x: np.ndarray) -> dict:
    """The lever values of a point of the unit cube (see the module's docstring)."""
    values = {}
    for (name, space), u in zip(spec.levers.items(), x):
        u = min(max(float(u), 0.0), 1.0)
        if isinstance(space, Choices):
            values[name] = space.choices[min(int(math.floor(len(space.choices) * u)), len(space.choices) - 1)]
        else:
            low, high = space
            values[name] = low + u * (high - low)
    return values


def mix_name(policy_json: str) -> str:
    """A candidate's name: a digest of its policy, the same whenever the same mix comes up."""
    return "mix " + hashlib.sha256(policy_json.encode()).hexdigest()[:12]


def candidate_runs(spec: OptimizeFile, preset: str, levers: dict, where: str,
                   name: str | None = None) -> tuple[str, list[Run]]:
    """A policy's name (by default :func:`mix_name`) and its runs, one per seed; run ids are
    digests of policy and seed."""
    settings = spec.optimize
    as_json = build_policy(preset, levers, where).model_dump_json(exclude_unset=True)
    name = name or mix_name(as_json)
    runs = []
    for replicate in range(settings.seeds):
        seed = run_seed(settings.seed, replicate, 0)
        digest = hashlib.sha256(f"{as_json}|{seed}".encode()).hexdigest()[:20]
        runs.append(Run(f"e{digest}", name, replicate, seed, as_json, settings.years, settings.firms,
                        settings.start_year))
    return name, runs


def check(spec: OptimizeFile) -> None:
    """Build the baseline's policy, and the policies with every lever at both ends of its range
    and at each of its choices, so a file that names something unknown or out of range fails
    before anything is written."""
    settings = spec.optimize
    baseline_runs(spec)
    low = decode(spec, np.zeros(len(spec.levers)))
    for name, space in spec.levers.items():
        for value in space.choices if isinstance(space, Choices) else space:
            candidate_runs(spec, settings.preset, {**settings.fixed, **low, name: value}, f"levers.{name}")


def baseline_runs(spec: OptimizeFile) -> list[Run]:
    """The baseline preset's runs, on the candidates' seeds."""
    return candidate_runs(spec, spec.optimize.baseline, {}, "optimize.baseline", BASELINE)[1]


def outcomes_of(spec: OptimizeFile) -> list[str]:
    """The outcomes the search needs: the objectives', then the constraints' others."""
    names = [o.outcome for o in spec.objectives] + [c.outcome for c in spec.constraints]
    return list(dict.fromkeys(names))


def run_search(spec: OptimizeFile, out: Path, *, workers="auto", scheduler: str | None = None, resume: bool = False,
               batch_size: int | None = None, progress: bool = True, source: str | None = None) -> SearchResult:
    """Search until ``evaluations`` candidates are evaluated (or the optimizer has no new one to
    propose); write the evaluations and the Pareto set."""
    from pymoo.algorithms.moo.nsga2 import NSGA2  # here: pymoo takes a second to import
    from pymoo.core.problem import Problem
    from pymoo.core.termination import NoTermination

    check(spec)
    settings = spec.optimize
    definition = pd.DataFrame({"spec": [spec.model_dump_json()]})
    manifest = new_manifest("optimize", settings, source, levers=list(spec.levers),
                            objectives=[o.model_dump() for o in spec.objectives],
                            constraints=[c.model_dump(exclude_none=True) for c in spec.constraints])
    with driving(Store(Path(out), SEARCH), definition, resume, manifest, workers, scheduler) as (store, executor):
        bar = Progress((settings.evaluations + 1) * settings.seeds, enabled=progress, label="optimize")
        values: dict[str, dict] = {}  # run_id -> outcomes, read once from the stored run
        try:
            _run(baseline_runs(spec), settings, store, executor, batch_size, bar, values)
            algorithm = NSGA2(pop_size=settings.population, eliminate_duplicates=True)
            problem = Problem(n_var=len(spec.levers), n_obj=len(spec.objectives),
                              n_ieq_constr=len(spec.constraints), xl=0.0, xu=1.0)
            algorithm.setup(problem, termination=NoTermination(), seed=settings.seed, verbose=False)
            rows: list[dict] = []
            generation = 0
            while len(rows) < settings.evaluations:
                population = algorithm.ask()[: settings.evaluations - len(rows)]
                if len(population) == 0:  # every offspring repeats a candidate: a small space is exhausted
                    break
                candidates = [_candidate(spec, x) for x in population.get("X")]
                _run([r for _, _, runs in candidates for r in runs], settings, store, executor, batch_size, bar,
                     values)
                scored = [_score(spec, levers, name, runs, values) for levers, name, runs in candidates]
                population.set(F=np.array([f for _, f, _ in scored]))
                if spec.constraints:
                    population.set(G=np.array([g for _, _, g in scored]))
                algorithm.tell(infills=population)
                rows += [{"evaluation": len(rows) + i, "generation": generation, **row}
                         for i, (row, _, _) in enumerate(scored)]
                write_frame(store.root / EVALUATIONS, pd.DataFrame(rows))
                generation += 1
        finally:
            bar.close()
        evaluations = pd.DataFrame(rows)
        front = pareto_set(spec, evaluations)
        write_frame(store.root / PARETO, front)
        manifest.update(status="finished", evaluated=len(evaluations), pareto=len(front))
    return SearchResult(Path(out), len(evaluations), len(front), manifest["failed"], manifest["wall_seconds"])


def _candidate(spec: OptimizeFile, x: np.ndarray) -> tuple[dict, str, list[Run]]:
    """The levers, name and runs of a point of the unit cube."""
    levers = decode(spec, x)
    return (levers, *candidate_runs(spec, spec.optimize.preset, {**spec.optimize.fixed, **levers}, "optimize"))


def _run(runs: list[Run], settings, store: Store, executor, batch_size, bar: Progress, values: dict) -> None:
    """Run what is not stored yet (each distinct run once), then read every run's outcomes."""
    finished = store.finished()
    todo = list({r.run_id: r for r in runs if r.run_id not in finished and r.run_id not in values}.values())
    bar.skip(len(runs) - len(todo))
    execute(todo, settings, store, executor, batch_size, bar)
    missing = [r.run_id for r in runs if r.run_id not in values]
    values.update(run_outcomes(store, missing))


def _score(spec: OptimizeFile, levers: dict, name: str, runs: list[Run], values: dict) -> tuple[dict, list, list]:
    """One candidate: its row (its levers, its outcomes' means and seed intervals), and pymoo's F and G."""
    settings = spec.optimize
    ids = [r.run_id for r in runs]
    found = [values[i] for i in ids if i in values]
    names = outcomes_of(spec)
    row = {"mix": name, "preset": settings.preset, "levers": json.dumps({**settings.fixed, **levers}, sort_keys=True),
           **{k: _cell(v) for k, v in levers.items()}, "run_ids": ids, "runs": len(found),
           "failed": len(found) < len(ids)}
    if row["failed"]:
        for outcome in names:
            row |= {outcome: math.nan, f"{outcome}_low": math.nan, f"{outcome}_high": math.nan}
        return row | {"feasible": False}, [FAILED] * len(spec.objectives), [FAILED] * len(spec.constraints)
    stats = mean_ci(pd.DataFrame(found).assign(candidate=name), ["candidate"], names).set_index("metric")
    for outcome in names:
        row |= {outcome: float(stats.at[outcome, "mean"]), f"{outcome}_low": float(stats.at[outcome, "low"]),
                f"{outcome}_high": float(stats.at[outcome, "high"])}
    excess = [float(c.excess(row[c.outcome])) for c in spec.constraints]
    objectives = [row[o.outcome] if o.sense == "minimize" else -row[o.outcome] for o in spec.objectives]
    return row | {"feasible": all(g <= 0 for g in excess)}, objectives, excess


def _cell(value):
    """A lever value as a table cell: numbers and flags as they are, anything else as JSON."""
    return value if isinstance(value, int | float | bool) else json.dumps(value)


def spread(front: pd.DataFrame, most: int) -> pd.DataFrame:
    """At most ``most`` rows of the front, evenly spaced along it (it is ordered by the first objective)."""
    picks = np.unique(np.linspace(0, len(front) - 1, min(len(front), most)).round().astype(int))
    return front.iloc[picks]


def pareto_set(spec: OptimizeFile, evaluations: pd.DataFrame) -> pd.DataFrame:
    """The feasible evaluations that no other feasible evaluation dominates, each mix once,
    ordered by the first objective."""
    feasible = evaluations[evaluations["feasible"]].drop_duplicates("mix")
    if feasible.empty:
        return feasible.reset_index(drop=True)
    signs = np.array([1.0 if o.sense == "minimize" else -1.0 for o in spec.objectives])
    objectives = feasible[[o.outcome for o in spec.objectives]].to_numpy(dtype=float) * signs
    front = feasible[non_dominated(objectives)]
    first = spec.objectives[0]
    return front.sort_values(first.outcome, ascending=first.sense == "minimize", kind="stable",
                             ignore_index=True)


@dataclass(frozen=True)
class Search:
    """A search's output directory read back: its file, its evaluations and its Pareto set."""

    root: Path
    manifest: dict
    spec: OptimizeFile
    evaluations: pd.DataFrame
    pareto: pd.DataFrame

    @property
    def baseline_runs(self) -> list[str]:
        return [r.run_id for r in baseline_runs(self.spec)]


def load(root: str | Path, manifest: dict) -> Search:
    """An optimize directory; a search that did not finish has the Pareto set of its evaluations so far."""
    root = Path(root)
    spec = OptimizeFile.model_validate_json(read_parquet(root / SEARCH)["spec"].iloc[0])
    if not (root / EVALUATIONS).is_file():
        raise UserError(f"{root}: holds no evaluated candidate yet")
    evaluations = read_parquet(root / EVALUATIONS)
    finished = manifest.get("status") == "finished" and (root / PARETO).is_file()
    front = read_parquet(root / PARETO) if finished else pareto_set(spec, evaluations)
    return Search(root, manifest, spec, evaluations, front)
