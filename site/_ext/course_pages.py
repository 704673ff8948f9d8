"""What makes the Sphinx build a course site: the notebooks in order, run-it-yourself notes, offline Mermaid.

* The README is the home page as committed (it shows no Sphinx markup on the code host); a hidden table
  of contents listing ``docs/`` and every ``notebooks/NN_*.ipynb`` in file-name order (the course order) is
  appended to it when Sphinx reads it.
* Each notebook page opens with how to run that notebook in JupyterLab, with the course's two commands.
* A stored ``IFrame`` of a page the learner's own machine serves (the blog page of notebook 05, on a
  loopback address that existed only while the notebook ran) is replaced by a note saying so: on the site
  it would be a dead frame, and a request to the reader's own machine.
* mermaid.js's ES module build (and its chunks, not its source maps) is copied from ``site/node_modules``
  into ``_static/mermaid/``, so diagrams are drawn with no network.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError

NOTEBOOK_GLOB = "notebooks/[0-9][0-9]_*.ipynb"


def course_documents(srcdir: Path) -> list[str]:
    """The documents listed after the home page: the course's notebooks in order, then ``docs/``."""
    notebooks = sorted(
        path.relative_to(srcdir).with_suffix("").as_posix() for path in srcdir.glob(NOTEBOOK_GLOB)
    )
    docs = sorted(path.relative_to(srcdir).with_suffix("").as_posix() for path in srcdir.glob("docs/*.md"))
    return notebooks + docs


def add_table_of_contents(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname != app.config.root_doc:
        return
    entries = "\n".join(course_documents(Path(app.srcdir)))
    source[0] += f"\n\n```{{toctree}}\n:hidden:\n:caption: The course\n\n{entries}\n```\n"


def run_it_yourself(notebook: str) -> nodes.Element:
    """The note at the top of a notebook page: where the notebook is and the two commands."""
    note = nodes.admonition(classes=["tip", "open-in-jupyterlab"])
    note += nodes.title(text="Open in JupyterLab")
    intro = nodes.paragraph()
    intro += nodes.Text("This page is ")
    intro += nodes.literal(text=notebook)
    intro += nodes.Text(
        " as stored, with the outputs of its last checked run. To run it yourself, clone the repository and, "
        "at its root, use one of the course's two commands (Python 3.10 or newer and make):"
    )
    note += intro
    commands = (
        "make lab    # set up, start the local AWS and JupyterLab on notebooks/ (Ctrl-C stops both)\n"
        "make test   # set up, then run every test, including strict nbval over every notebook"
    )
    note += nodes.literal_block(commands, commands, language="sh")
    then = nodes.paragraph()
    then += nodes.Text("In JupyterLab, open ")
    then += nodes.literal(text=Path(notebook).name)
    then += nodes.Text(" from the file browser and choose Run > Run All Cells.")
    note += then
    return note


def add_run_it_yourself(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    section = doctree.next_node(nodes.section)
    if section is None:
        return
    title = section.next_node(nodes.title)
    section.insert(section.index(title) + 1, run_it_yourself(app.env.doc2path(docname, False).as_posix()))


#: An ``<iframe>`` whose page is served on the machine that ran the notebook (loopback addresses).
_LOCAL_FRAME = re.compile(r"<iframe\b[^>]*\bsrc=\"https?://(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/\"]")


def replace_local_frames(app: Sphinx, doctree: nodes.document) -> None:
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and _LOCAL_FRAME.search(raw.astext()):
            note = nodes.paragraph(classes=["local-frame"])
            note += nodes.emphasis(
                text="Here JupyterLab shows the page itself, served on your machine by make lab (its address "
                "is printed above when you run the notebook). A stored copy cannot show it."
            )
            raw.replace_self(note)


def copy_mermaid(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    dist = Path(app.config.course_mermaid_dist)
    target = Path(app.outdir) / "_static" / "mermaid"
    shutil.rmtree(target, ignore_errors=True)
    (target / "chunks").mkdir(parents=True)
    shutil.copy2(dist / "mermaid.esm.min.mjs", target)
    shutil.copytree(
        dist / "chunks" / "mermaid.esm.min",
        target / "chunks" / "mermaid.esm.min",
        ignore=shutil.ignore_patterns("*.map"),
    )


def write_home_redirect(app: Sphinx, exception: Exception | None) -> None:
    """``index.html``, what a web server serves for the site's folder, leads to the home page (the README)."""
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    home = f"{app.config.root_doc}.html"
    (Path(app.outdir) / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{app.config.project}</title>"
        f'<meta http-equiv="refresh" content="0; url={home}"></head>'
        f'<body><p><a href="{home}">{app.config.project}</a></p></body></html>\n'
    )


def check_mermaid(app: Sphinx) -> None:
    if not (Path(app.config.course_mermaid_dist) / "mermaid.esm.min.mjs").is_file():
        raise ConfigError(
            f"mermaid.js is missing from {app.config.course_mermaid_dist}: run `npm ci --prefix site` "
            "(make docs does) so that diagrams are drawn without a CDN"
        )


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_mermaid_dist", "", "html")
    app.connect("builder-inited", check_mermaid)
    app.connect("source-read", add_table_of_contents)
    app.connect("doctree-read", add_run_it_yourself)
    app.connect("doctree-read", replace_local_frames)
    app.connect("build-finished", copy_mermaid)
    app.connect("build-finished", write_home_redirect)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
