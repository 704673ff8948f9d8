"""One word for each idea (docs/glossary.md): the retired words stay out of the notebooks, the helpers a
reader meets and the README."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
HELPERS = [
    REPO / "helpers" / name
    for name in (
        "course.py",
        "display.py",
        "login_panel.py",
        "cognito_credentials.py",
        "masking.py",
        "setup_check.py",
        "linking.py",
        "developer_backend.py",
        "roles_by_group.py",
        "access_by_attribute.py",
        "security_lab.py",
    )
]
README = REPO / "README.md"

#: AWS says "authenticated role" and "unauthenticated role", "authenticated identity" and
#: "unauthenticated identity" (a guest); these words once meant the same things here. Your own server that
#: signs users in is a "backend", as in AWS's pages on developer-authenticated identities.
RETIRED = re.compile(
    r"signed-in|\bmembers?\b|member_|guest[ _]role|signed in users?\b|\bback[\s-]ends?\b", re.IGNORECASE
)
#: "provider" must say which: an identity provider or a credential provider (or an IAM OIDC provider).
QUALIFIERS = {"identity", "credential", "oidc", "connect"}


def notebook_sources(path: Path) -> list[tuple[str, str]]:
    notebook = nbformat.read(path, as_version=4)
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def prose(markdown: str) -> str:
    """Markdown without code blocks, Mermaid diagrams and inline code (identifiers are not prose)."""
    markdown = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    return re.sub(r"`[^`]*`", " ", markdown)


def unqualified_providers(text: str) -> list[str]:
    found = []
    for match in re.finditer(r"(\S+)\s+(providers?)\b", text, re.IGNORECASE):
        before = re.sub(r"[^\w-]", "", match.group(1)).lower()
        if before not in QUALIFIERS:
            found.append(match.group(0))
    if re.match(r"\s*providers?\b", text, re.IGNORECASE):  # the very first word
        found.append(text.split()[0])
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_use_the_glossary_terms(path: Path):
    for kind, source in notebook_sources(path):
        assert not RETIRED.findall(source), f"retired word in a {kind} cell: {RETIRED.findall(source)}"
        if kind == "markdown":
            assert not unqualified_providers(prose(source)), unqualified_providers(prose(source))


@pytest.mark.parametrize("path", [*HELPERS, README], ids=lambda p: p.name)
def test_helpers_and_readme_use_the_glossary_terms(path: Path):
    text = path.read_text()
    assert not RETIRED.findall(text), RETIRED.findall(text)
    if path == README:
        assert not unqualified_providers(prose(text)), unqualified_providers(prose(text))


def test_the_checks_catch_what_they_are_for():
    assert RETIRED.findall("the signed-in role") and RETIRED.findall("MEMBER_ROLE")
    assert RETIRED.findall("the guest role") and RETIRED.findall("Signed in users may post")
    assert RETIRED.findall("the back end") and RETIRED.findall("the back\nend calls")
    assert not RETIRED.findall("an authenticated role; signs in with Login with Amazon; a guest")
    assert unqualified_providers("the provider's token") == ["the provider"]
    assert unqualified_providers("| Provider | key |")
    assert not unqualified_providers("an identity provider and the credential provider; an IAM OIDC provider")


def test_the_glossary_names_the_terms():
    glossary = (REPO / "docs" / "glossary.md").read_text()
    for term in (
        "unauthenticated role",
        "authenticated role",
        "unauthenticated identity",
        "identity provider",
        "credential provider",
    ):
        assert f"**{term}**" in glossary
