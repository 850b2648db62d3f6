"""Save the sidebar's scenario as a TOML file, or open one (the format ``transfer-sim run --scenario`` reads)."""

from __future__ import annotations

import solara

from ..batch.spec import MOST_FILE_BYTES
from . import state
from .file_upload import FileUpload
from .language import lang, tr
from .scenario_file import file_name, read_scenario, scenario_toml
from .settings import SettingsError
from .widgets import use_latest_call


def open_file(chosen: dict) -> None:
    """Apply an uploaded scenario file, or say why it cannot be used."""
    def update(settings):
        if chosen["size"] > MOST_FILE_BYTES:
            raise SettingsError("error.scenario_file", detail=SettingsError(
                "scenario.too_large", name=chosen["name"], most=MOST_FILE_BYTES // 2**20))
        return read_scenario(chosen["name"], chosen["text"].encode("utf-8"), settings)

    state.change(update)


@solara.component
def ScenarioPanel():
    """The download always holds the settings in force; an opened file replaces preset and levers."""
    current = state.settings.value
    toml = use_latest_call(lambda shown: scenario_toml(shown[0], shown[0].title(shown[1]), shown[1]),
                           (current, lang()))
    solara.Text(tr("scenario.title"), classes=["tsim-section"])
    solara.Text(tr("scenario.explain"), classes=["tsim-explain"])
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.FileDownload(toml, filename=file_name(current), label=tr("scenario.save"), mime_type="application/toml")
        FileUpload(label=tr("scenario.open"), accept=".toml,text/plain", most_bytes=MOST_FILE_BYTES,
                   event_chosen=open_file)
