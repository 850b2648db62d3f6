"""Every `transfer-sim` command shown in the docs runs, in the order shown, at a small size.

Commands that need a cluster of several machines (``--scheduler``) or minutes of compute
(``--calibrate``) are covered by their own tests instead.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["README.md", "docs/batch.md", "docs/backcast.md", "experiments/README.md"]
SMALL = {  # appended options win over the documented ones (argparse keeps the last)
    "run": ["--years", "2", "--firms", "300"],
    "sweep": ["--years", "2", "--firms", "300", "--replicates", "1", "--quiet"],
    "sensitivity": ["--years", "2", "--firms", "300", "--replicates", "1", "--quiet"],
    "backcast": ["--firms", "2000", "--seeds", "1", "--quiet"],
    "optimize": ["--years", "2", "--firms", "300", "--seeds", "1", "--evaluations", "32", "--quiet"],
    "discover": ["--years", "2", "--firms", "300", "--seeds", "1", "--samples", "16", "--quiet"],
}
CLI = Path(sys.executable).with_name("transfer-sim")


def commands(page: str) -> list[list[str]]:
    text = (ROOT / page).read_text()
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", text, flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    found = []
    for line in lines:
        words = shlex.split(line)
        if not words or not words[0].endswith("transfer-sim") or "--scheduler" in words or "--calibrate" in words:
            continue
        found.append(words[1:])
    return found


@pytest.mark.timeout(600)
@pytest.mark.parametrize("page", PAGES)
def test_documented_commands_run(page, tmp_path):
    found = commands(page)
    assert found, f"no transfer-sim command found in {page}"
    for words in found:
        args = [w.replace("results/", f"{tmp_path}/") for w in words] + SMALL.get(words[0], [])
        done = subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, f"{page}: transfer-sim {' '.join(words)}\n{done.stderr[-2000:]}"
