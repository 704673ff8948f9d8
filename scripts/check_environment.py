"""Which of the project's set-up profiles the running Python already satisfies (used by the Makefile).

    python scripts/check_environment.py [lab|test|docs]   exit 0 when that profile (default lab) is satisfied
    python scripts/check_environment.py --satisfied        print the satisfied profiles, e.g. "lab test"

A profile is satisfied when this repository's ``helpers`` is what ``import helpers`` finds (an editable
install of this checkout) and every requirement of the profile is installed at an allowed version: ``lab``
is the project's dependencies, ``test`` and ``docs`` add the extras of the same names (read from the
installed project's metadata, so markers and extras are evaluated as pip does). Anything else (including
an error here) counts as not satisfied, and the Makefile then sets up ``.venv`` instead.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent
DISTRIBUTION = "cognito-identity-pools-course"
PROFILES = {"lab": "", "test": "test", "docs": "docs"}


def requirements(profile: str) -> list[Requirement]:
    """The installed project's requirements that ``profile`` installs."""
    from packaging.requirements import Requirement  # a bare environment may not have packaging

    extra = PROFILES[profile]
    chosen = []
    for line in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
            chosen.append(requirement)
    return chosen


def installed_ok(requirement: Requirement) -> bool:
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return False
    return requirement.specifier.contains(version, prereleases=True)


def satisfies(profile: str) -> bool:
    try:
        spec = importlib.util.find_spec("helpers")
        if spec is None or spec.origin is None or Path(spec.origin).resolve().parent != REPO / "helpers":
            return False
        needed = requirements(profile)
        return bool(needed) and all(installed_ok(requirement) for requirement in needed)
    except Exception:
        return False


def main(argv: list[str]) -> int:
    if argv == ["--satisfied"]:
        print(" ".join(profile for profile in PROFILES if satisfies(profile)))
        return 0
    profile = argv[0] if argv else "lab"
    if profile not in PROFILES or len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if satisfies(profile) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
