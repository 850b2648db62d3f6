"""Errors a user can cause, and how they read: one line that names the problem.

The CLI turns a :class:`UserError` into that line on standard error and exit status 2;
everything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pydantic import ValidationError


class UserError(Exception):
    """Bad input: a file, a value or a directory the user gave us."""


def describe(error: ValidationError, where: str = "") -> str:
    """The first problem of a pydantic error as ``where.field: message (got value)``."""
    first = error.errors(include_url=False)[0]
    path = ".".join(str(part) for part in first["loc"])
    location = ".".join(part for part in (where, path) if part)
    message = first["msg"].removeprefix("Value error, ")
    shown = "" if first["type"] in ("value_error", "missing") else f" (got {first['input']!r})"
    return f"{location}: {message}{shown}" if location else f"{message}{shown}"
