"""Fill Solara's asset cache from the npm registry, so the dashboard needs no CDN at run time.

The page loads its JavaScript, CSS and fonts through the server's ``/_solara/cdn/`` proxy,
which answers from a cache directory (``SOLARA_ASSETS_PROXY_CACHE_DIR``, by default
``<venv>/share/solara/cdn``) and goes to a CDN only on a miss. Unpacking the npm packages
there, under the exact ``name@version`` the page asks for, makes the page work offline.

    python -m transfer_sim.dashboard.assets          # fill what is missing
    python -m transfer_sim.dashboard.assets --check  # exit 1 if anything is missing
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from plotly.offline import get_plotlyjs_version

#: plotly.js as the charts load it: the npm build of the version plotly.py ships (the same file).
PLOTLY_JS = f"plotly.js-dist-min@{get_plotlyjs_version()}/plotly.min.js"

#: What the page loads with solara 1.64 and ipyvue < 2 (Markdown adds requirejs' minified
#: build, KaTeX and Mermaid), and plotly.js. Check a new solara with: grep -rn getCdn and
#: the page template.
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "katex@0.16.9",
    "mermaid@10.8.0",
    PLOTLY_JS.split("/")[0],
)


def cache_dir() -> Path:
    """The directory the Solara server reads cached assets from (its own setting)."""
    from solara.server.settings import assets

    return Path(assets.proxy_cache_dir)


def missing(directory: Path, packages=PACKAGES) -> list[str]:
    return [p for p in packages if not (directory / p / "package.json").is_file()]


def unpack(spec: str, directory: Path, workdir: Path) -> None:
    """``npm pack`` one package and unpack it as ``directory/<name@version>/`` (atomically)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fill the dashboard's asset cache; install Node.js and npm "
                           "(Debian: apt-get install -y npm)")
    done = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", str(workdir)],
                          capture_output=True, text=True, cwd=workdir)
    if done.returncode != 0:
        raise RuntimeError(f"npm pack {spec} failed: {done.stderr.strip() or done.stdout.strip()}")
    tarball = workdir / done.stdout.strip().splitlines()[-1]
    staging = workdir / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(staging, filter="data")
    target = directory / spec
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    (staging / "package").rename(target)


def fill(directory: Path | None = None, packages=PACKAGES) -> list[str]:
    """Unpack every package not yet in the cache; returns the ones unpacked."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    todo = missing(directory, packages)
    for spec in todo:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".unpack-") as work:  # same disk: rename is atomic
            unpack(spec, directory, Path(work))
    return todo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m transfer_sim.dashboard.assets",
                                     description="Fill the dashboard's offline asset cache from npm.")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when something is missing")
    args = parser.parse_args(argv)
    directory = cache_dir()
    if args.check:
        absent = missing(directory)
        print(f"{directory}: " + (f"missing {', '.join(absent)}" if absent else "complete"))
        return 1 if absent else 0
    try:
        added = fill(directory)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{directory}: " + (f"added {', '.join(added)}" if added else "already complete"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
