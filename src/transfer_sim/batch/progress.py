"""The sweep's progress bar: runs done out of all, runs failed, time elapsed and left."""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} runs done{postfix} [{elapsed} elapsed, {remaining} left]"


class Progress:
    def __init__(self, total: int, done: int = 0, enabled: bool = True, label: str = "sweep"):
        self.failed = 0
        self.bar = tqdm(total=total, initial=done, desc=label, bar_format=FORMAT, disable=not enabled,
                        file=sys.stderr, mininterval=0.5, dynamic_ncols=True, postfix="0 failed")

    def advance(self, ok: bool) -> None:
        if not ok:
            self.failed += 1
            self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(1)

    def skip(self, runs: int) -> None:
        """Count ``runs`` found stored (or shared with another candidate) as done."""
        self.bar.update(runs)

    def close(self) -> None:
        self.bar.close()
