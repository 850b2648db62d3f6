"""Lever values written and read as TOML values: the format of a scenario file's levers and of
``transfer-sim run --set LEVER=VALUE``, used for the page's address too."""

from __future__ import annotations

import json
import math
import tomllib


def toml_value(value) -> str:
    """A number, flag, text, list or table as a TOML value (``0.03``, ``false``, ``["Tibet"]``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no TOML value here")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}"
                                for k, v in value.items()) + " }"
    raise ValueError(f"{value!r} has no TOML value")


def read_value(text: str):
    """The value of a TOML value's text; ValueError when it is none."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        raise ValueError(f"{text!r} is not a TOML value (a number, true or false, or a list like "
                         "[\"Tibet\"])") from None
