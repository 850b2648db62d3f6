"""The real dashboard server on a free loopback port, and a headless Chromium for it.

The browser tests and the dashboard benchmark share this. The server's CDN points at a
closed local port, so a page that needed anything outside the offline asset cache would
fail visibly instead of quietly reaching the internet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

APP = Path(__file__).resolve().parents[3] / "app.py"
OFFLINE_ENV = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def chromium_args() -> list[str]:
    """No sandbox when running as root (the charts need no WebGL)."""
    return ["--no-sandbox"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def serve(log: Path, timeout: float = 60.0):
    """Run ``solara run app.py --production`` until the block ends; yields its URL."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "solara", "run", str(APP), "--production", "--no-open",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=APP.parent, env={**os.environ, **OFFLINE_ENV}, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(url, timeout=2)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the dashboard server did not start; see {log}") from None
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
