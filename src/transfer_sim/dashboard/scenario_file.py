"""A scenario as the TOML file ``transfer-sim run --scenario FILE`` reads: written from the page's
settings, and read back with the command line's own checks (one format for both)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..batch import spec
from ..batch.design import build_policy
from ..batch.errors import UserError
from ..i18n import text
from .manifest import caption, manifest
from .settings import Settings, SettingsError
from .toml_values import toml_value


def file_name(settings: Settings) -> str:
    return f"{settings.preset}{'-changed' if settings.changed_levers else ''}.toml"


def scenario_toml(settings: Settings, name: str, lang: str = "en") -> str:
    """The ``[scenario]`` file of these settings. Its first lines, comments, are the manifest and
    the command that runs it again with the same seed, years and firms."""
    run_again = (f"transfer-sim run --scenario {file_name(settings)} --years {settings.years} "
                 f"--firms {settings.n_firms} --seed {settings.seed}")
    lines = [f"# {caption(manifest(settings), lang)}", f"# {text('scenario.run_again', lang)}", f"#   {run_again}",
             "", "[scenario]", f"name = {toml_value(name)}",
             f"description = {toml_value(text(f'preset.{settings.preset}.description', lang))}",
             f"preset = {toml_value(settings.preset)}"]
    if settings.changed_levers:
        lines += ["", "[scenario.levers]"]
        lines += [f"{lever} = {toml_value(value)}" for lever, value in settings.lever_changes.items()]
    return "\n".join(lines) + "\n"


def read_scenario(file_name: str, data: bytes, settings: Settings) -> Settings:
    """``settings`` with the preset and levers of an uploaded scenario file (its run size stays);
    a :class:`SettingsError` that names the file and the problem when the command line would
    refuse the file too."""
    name = Path(file_name).name or "scenario.toml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            scenario = spec.load(path, expected="scenario").scenario
            policy = build_policy(scenario.preset, dict(scenario.levers), name)
        except UserError as error:
            raise SettingsError("error.scenario_file", detail=str(error).replace(f"{folder}/", "")) from None
    return replace(settings, preset=scenario.preset, policy=policy)
