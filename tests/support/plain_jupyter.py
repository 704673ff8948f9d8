"""A plain Jupyter environment: what a kernel sees on Binder, a JupyterHub server or a classroom image.

Such a kernel has no ``AWS_ENDPOINT_URL`` and no AWS settings at all (nor the course's ``COURSE_*``
switches), so ``helpers.connect()`` starts a local AWS inside the kernel. The root conftest starts
strict nbval's kernels this way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

#: Variable prefixes a plain Jupyter server does not set: AWS's, botocore's and the course's own.
PREFIXES = ("AWS_", "COURSE_", "BOTO_")


def plain_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``environ`` (this process's by default) without anything that points at AWS or a course target."""
    environ = os.environ if environ is None else environ
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith(PREFIXES) and name != "JPY_SESSION_NAME"
    }


@contextmanager
def plain_jupyter_environment() -> Iterator[None]:
    """This process's environment made plain while the block runs (a kernel started in it inherits it)."""
    saved = dict(os.environ)
    removed = set(saved) - set(plain_environment(saved))
    for name in removed:
        del os.environ[name]
    try:
        yield
    finally:
        for name in removed:
            os.environ[name] = saved[name]
