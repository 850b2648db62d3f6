"""The command behind ``make teaching`` and ``make backcast``: rewrite the generated parts of a
docs page, or with ``--check`` only say whether the page agrees."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def update_page(argv, prog: str, description: str, page: str, rewrite: Callable[[str], str], source: str) -> int:
    """Parse ``argv`` (the page's path, ``--check``), rewrite the page's text with ``rewrite``
    (a ``ValueError`` is the user's error: one line, exit 1) and write it, or only compare;
    ``source`` names what the page is written from, in the check's message."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("doc", type=Path, help=page)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when the page disagrees")
    args = parser.parse_args(argv)
    doc = args.doc.read_text(encoding="utf-8")
    try:
        written = rewrite(doc)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.check:
        print(f"{args.doc}: " + (f"agrees with {source}" if written == doc else f"differs from {source}"))
        return 0 if written == doc else 1
    args.doc.write_text(written, encoding="utf-8")
    return 0
