"""Build the course site (``make docs``) and print how long it took and how big it is.

    python scripts/build_site.py [--out build/site]

Sphinx with MyST-NB and the book theme (``site/conf.py``) renders the committed notebooks without running
them, warnings as errors (``-W -n --keep-going``), with no network: mermaid.js comes from
``site/node_modules`` (``npm ci --prefix site``). Open ``<out>/index.html``, or serve the folder with
``python -m http.server -d build/site`` (diagrams need http://, browsers refuse ES modules from file://).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def build(out: Path, doctrees: Path, quiet: bool = False) -> int:
    """Run sphinx-build from scratch into ``out``; its exit status."""
    from sphinx.cmd.build import build_main

    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(doctrees, ignore_errors=True)
    args = ["-W", "-n", "--keep-going", "-b", "html", "-d", str(doctrees), "-c", str(REPO / "site")]
    if quiet:
        args.append("-q")
    return build_main([*args, str(REPO), str(out)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "site", help="default: build/site")
    parser.add_argument("--quiet", action="store_true", help="only warnings and the summary line")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    started = time.perf_counter()
    status = build(out, out.with_name(out.name + "-doctrees"), quiet=args.quiet)
    seconds = time.perf_counter() - started
    if status != 0:
        print(f"Site build failed after {seconds:.1f} s", file=sys.stderr)
        return status
    pages = len(list(out.rglob("*.html")))
    print(f"Site built in {seconds:.1f} s: {out} ({pages} pages, {folder_size(out) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
