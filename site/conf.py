"""Sphinx configuration of the course site (``make docs``): the committed notebooks, rendered, not run.

Built from the repository root (``sphinx-build -c site . build/site``) so that the README, ``notebooks/`` and
``docs/`` are read where they are committed; ``include_patterns`` keeps every other file out. The README
is the home page. Offline: mermaid.js comes from ``site/node_modules`` (``npm ci --prefix site``, versions
in ``site/package-lock.json``) and is copied into the site; nothing is loaded from a CDN.
"""

from __future__ import annotations

import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
sys.path.insert(0, str(SITE / "_ext"))

project = "Amazon Cognito identity pools, in Python notebooks"
author = "The course's authors"
copyright = "the course's authors, MIT-0"

root_doc = "README"
include_patterns = ["README.md", "notebooks/[0-9][0-9]_*.ipynb", "docs/*.md"]
exclude_patterns = ["build", ".venv", "**/.ipynb_checkpoints"]

extensions = ["myst_nb", "sphinxcontrib.mermaid", "course_pages"]

# The stored outputs are the documentation (strict nbval keeps them true): render them, never re-run.
nb_execution_mode = "off"
# A widget's stored view has no state to draw from (outputs are normalised without widget state), so show
# the text form the notebook stored beside it, as JupyterLab does when it opens a notebook without running.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js: dict = {}  # and so no widget JavaScript from a CDN

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
# ```mermaid fences in Markdown cells (JupyterLab draws them natively) become the mermaid directive.
myst_fence_as_directive = ["mermaid"]

# sphinxcontrib-mermaid draws diagrams in the browser with mermaid.js; this is its ES module build, copied
# from node_modules into _static/mermaid/ by the course_pages extension.
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"
mermaid_version = ""
mermaid_fullscreen = False  # its button glyph is missing from common fonts; the diagrams fit the page
mermaid_height = "auto"
course_mermaid_dist = str(SITE / "node_modules" / "mermaid" / "dist")

html_theme = "sphinx_book_theme"
html_title = "Cognito identity pools course"
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
}
html_last_updated_fmt = None
# The download button offers each page's source: the .ipynb for a notebook page.
