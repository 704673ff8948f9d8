"""What notebook 00 checks: the helper package's origin and the installed dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

DISTRIBUTION = "cognito-identity-pools-course"
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RequirementCheck:
    name: str
    specifier: str
    installed: str | None

    @property
    def ok(self) -> bool:
        return self.installed is not None and Requirement(f"{self.name}{self.specifier}").specifier.contains(
            self.installed, prereleases=True
        )


def check_requirements() -> list[RequirementCheck]:
    """Each dependency declared in pyproject.toml (read from the installed project's metadata)."""
    checks = []
    for line in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        try:
            installed: str | None = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            installed = None
        checks.append(RequirementCheck(requirement.name, str(requirement.specifier), installed))
    return checks
