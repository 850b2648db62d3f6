"""Compare's "your scenario" from a policy search: a mix of the Pareto set of an optimize
directory (``transfer-sim optimize FILE --out DIR``) replaces the sidebar's preset and levers;
the run size stays the sidebar's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import solara

from ..batch import optimize
from ..batch.collect import read_manifest
from ..batch.errors import UserError
from . import state
from .language import lang, tr
from .settings import Problem, SettingsError


@dataclass(frozen=True)
class Front:
    """The Pareto set of a search, and the objectives its mixes are labelled with."""

    name: str
    mixes: pd.DataFrame
    objectives: tuple[str, ...]

    def label(self, index: int) -> str:
        row = self.mixes.iloc[index]
        values = " · ".join(f"{name} {row[name]:.4g}" for name in self.objectives)
        return f"{index + 1}. {row['mix']}: {values}"


def read_front(folder: str) -> Front:
    """The Pareto set of the optimize directory ``folder``, or a :class:`SettingsError` that says why not."""
    root = Path(folder.strip()).expanduser()
    try:
        manifest = read_manifest(root)
        if manifest.get("kind") != "optimize":
            raise UserError(f"{root}: holds a {manifest.get('kind')} output, not a policy search (transfer-sim optimize)")
        search = optimize.load(root, manifest)
    except UserError as error:
        raise SettingsError("error.pareto_folder", detail=str(error)) from None
    if search.pareto.empty:
        raise SettingsError("compare.pareto_empty", name=search.spec.optimize.name)
    return Front(search.spec.optimize.name, search.pareto, tuple(o.outcome for o in search.spec.objectives))


def use_mix(front: Front, index: int) -> None:
    """Make mix ``index`` the sidebar's scenario: its preset with its levers."""
    row = front.mixes.iloc[index]
    state.change(lambda settings: settings.with_preset(row["preset"]).with_lever_changes(json.loads(row["levers"])))


@solara.component
def ParetoPicker():
    """A folder to read, then a menu of its Pareto mixes and a button that makes one yours."""
    folder, set_folder = solara.use_state("")
    loaded, set_loaded = solara.use_state(None)  # a Front, a Problem, or None before a load
    chosen, set_chosen = solara.use_state(0)

    def load():
        try:
            set_loaded(read_front(folder))
        except SettingsError as error:
            set_loaded(error.problem)
        set_chosen(0)

    with solara.Details(tr("compare.pareto_title")):
        solara.Text(tr("compare.pareto_explain"), classes=["tsim-explain"])
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px"):
            solara.InputText(tr("compare.pareto_folder"), value=folder, on_value=set_folder, continuous_update=True,
                             style={"min-width": "320px"})
            solara.Button(tr("compare.pareto_load"), on_click=load, disabled=not folder.strip())
        if isinstance(loaded, Problem):
            solara.Error(loaded.words(lang()), dense=True)
        elif isinstance(loaded, Front):
            labels = [loaded.label(i) for i in range(len(loaded.mixes))]
            solara.Text(tr("compare.pareto_loaded", n=len(labels), name=loaded.name))
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="8px"):
                solara.Select(tr("compare.pareto_mix"), values=labels, value=labels[chosen],
                              on_value=lambda label: set_chosen(labels.index(label)), style={"min-width": "420px"})
                solara.Button(tr("compare.pareto_use"), on_click=lambda: use_mix(loaded, chosen), color="primary")
