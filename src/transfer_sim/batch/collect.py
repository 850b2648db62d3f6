"""Reading output directories back: a ``run`` directory or a sweep / sensitivity directory.

Both become an :class:`Experiment` with the same frames (run keys first), so reports and
comparisons need not care which command wrote them. A sweep that did not finish (its
consolidated tables are missing or stale) is read from its run files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .outcomes import scalars, yearly
from .errors import UserError
from .storage import KEYS, reading
from .store import Store

KEY_COLUMNS = list(KEYS)
#: The provinces' instruments and books: absent from directories written before they were stored.
LOCAL_TABLES = ("local_policy", "budgets")


@dataclass
class Experiment:
    name: str
    root: Path
    manifest: dict
    summary: pd.DataFrame
    regions: pd.DataFrame
    failures: pd.DataFrame  # run_id, error
    sensitivity: pd.DataFrame | None = None
    local_policy: pd.DataFrame | None = None  # None in directories written before the table existed
    budgets: pd.DataFrame | None = None

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.summary["scenario"]))

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return yearly(self.summary, self.regions, KEY_COLUMNS)

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        return scalars(self.indicators, KEY_COLUMNS)


def load(root: str | Path) -> Experiment:
    root = Path(root)
    manifest = read_manifest(root)
    if manifest.get("kind") == "run":
        return _load_run(root, manifest)
    if manifest.get("kind") == "optimize":
        raise UserError(f"{root}: holds a policy search, whose runs are no scenarios to compare; "
                        f"write its report with 'transfer-sim report {root} --html FILE'")
    return _load_experiment(root, manifest)


def read_manifest(root: Path) -> dict:
    manifest_path = Path(root) / "manifest.json"
    if not manifest_path.is_file():
        raise UserError(f"{root}: not a transfer-sim output directory (no manifest.json)")
    manifest = read_json(manifest_path)
    if not isinstance(manifest, dict):
        raise UserError(f"{manifest_path}: not a transfer-sim manifest (a JSON object), got {manifest!r:.60}")
    return manifest


def kind_of(root: str | Path) -> str | None:
    """What wrote an output directory: run, sweep, sensitivity, optimize or discover."""
    return read_manifest(Path(root)).get("kind")


def read_json(path: Path):
    with reading(path):
        return json.loads(path.read_text())


def read_parquet(path: Path, **options) -> pd.DataFrame:
    with reading(path):
        return pd.read_parquet(path, **options)


def read_tables(root: Path) -> dict[str, pd.DataFrame]:
    """``root``'s summary and regions, and the local government tables where it holds them."""
    names = ["summary", "regions", *(n for n in LOCAL_TABLES if (root / f"{n}.parquet").is_file())]
    return {name: read_parquet(root / f"{name}.parquet") for name in names}


def _load_run(root: Path, manifest: dict) -> Experiment:
    missing = [key for key in ("scenario", "seed") if key not in manifest]
    if missing:
        raise UserError(f"{root / 'manifest.json'}: has no {missing[0]!r}; not the manifest of a run")
    keys = {"run_id": "run", "scenario": manifest["scenario"], "replicate": 0, "seed": manifest["seed"]}
    frames = read_tables(root)
    for frame in frames.values():
        for i, (key, value) in enumerate(keys.items()):
            frame.insert(i, key, value)
    return Experiment(root.name, root, manifest, frames["summary"], frames["regions"], _no_failures(),
                      **{name: frames.get(name) for name in LOCAL_TABLES})


def _load_experiment(root: Path, manifest: dict) -> Experiment:
    store = Store(root)
    if manifest.get("status") == "finished" and (root / "summary.parquet").is_file():  # current tables
        tables = read_tables(root)
    else:
        run_ids = read_parquet(store.design, columns=["run_id"])["run_id"].tolist()
        tables = {n: t.to_pandas() for n, t in store.collect(run_ids, ("summary", "regions", *LOCAL_TABLES)).items()}
        if not tables:
            raise UserError(f"{root}: holds no finished run yet")
    failures = [_failure(store.failures / f"{i}.json") for i in sorted(store.failed())]
    failures = pd.DataFrame(failures, columns=["run_id", "error"]) if failures else _no_failures()
    sensitivity = root / "sensitivity.parquet"
    return Experiment(manifest.get("settings", {}).get("name", root.name), root, manifest, tables["summary"],
                      tables["regions"], failures, read_parquet(sensitivity) if sensitivity.is_file() else None,
                      **{name: tables.get(name) for name in LOCAL_TABLES})


def run_outcomes(store: Store, run_ids: list[str]) -> dict[str, dict]:
    """The scalar outcomes (see :mod:`.outcomes`) of the finished runs among ``run_ids``, by run id."""
    tables = store.collect(run_ids, ("summary", "regions"))
    if not tables:
        return {}
    summary, regions = (tables[n].to_pandas() for n in ("summary", "regions"))
    found = scalars(yearly(summary, regions, KEY_COLUMNS), KEY_COLUMNS)
    return {row.pop("run_id"): row for row in found.drop(columns=["scenario", "replicate", "seed"]).to_dict("records")}


def _failure(path: Path) -> dict:
    record = read_json(path)
    if not isinstance(record, dict) or not {"run_id", "error"} <= record.keys():
        raise UserError(f"{path}: not a failure record (a JSON object with run_id and error)")
    return record


def _no_failures() -> pd.DataFrame:
    return pd.DataFrame({"run_id": pd.Series(dtype=str), "error": pd.Series(dtype=str)})
