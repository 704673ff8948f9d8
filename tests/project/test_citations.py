"""Citations in the repository name AWS's public pages (titles or URLs), never section numbers (``§4``) of a
document that is not in the repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_section_numbers_of_documents_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.ipynb", "*.js", "*.mjs", "*.toml", "Makefile", ".ci/run"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked, "git ls-files found nothing"
    cited = [
        f"{name}:{number}"
        for name in tracked
        if name != "tests/project/test_citations.py" and (REPO / name).is_file()
        for number, line in enumerate((REPO / name).read_text(errors="replace").splitlines(), 1)
        if "§" in line
    ]
    assert cited == [], cited
