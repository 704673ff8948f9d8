"""``python -m helpers.lab``: what ``make lab`` runs. The local AWS and JupyterLab, stopped together.

The local AWS is served by this process (a background thread) on 127.0.0.1; JupyterLab runs as a child
with ``AWS_ENDPOINT_URL``, a region and the local administrator's dummy credentials in its environment,
so every kernel it starts talks to the local AWS. The course is set up there and the blog's web page
(``webapp/``) is served on a port of its own (:mod:`helpers.blog_page`); its URL is printed and given to
the kernels as ``COURSE_BLOG_PAGE_URL``. Ctrl-C (SIGINT) or SIGTERM stops JupyterLab, its
kernels and the local AWS, and leaves no process behind.

Arguments after ``--`` go to JupyterLab unchanged, for example ``-- --no-browser``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3

from . import blog_page, local_aws

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO_ROOT / "notebooks"


def descendants(pid: int) -> set[int]:
    """Every living descendant of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            # The command name may hold spaces and parentheses; fields after the last ')' are fixed.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def is_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_process_tree(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM ``process`` (JupyterLab shuts its kernels down on it), then kill whatever is still alive."""
    tree = descendants(process.pid)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 5
    for pid in tree:
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if is_alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def jupyter_command(port: int, extra: list[str], notebooks: Path = NOTEBOOKS) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={notebooks}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        # No "Would you like to receive official Jupyter news?" prompt over the first notebook, and no
        # check for a newer JupyterLab: the course runs offline and a learner has nothing to act on.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        # The extension manager that lists PyPI needs the network; older JupyterLab releases then warn
        # "Failed to instantiate the extension manager pypi" at every start. The course installs nothing.
        "--LabApp.extension_manager=readonly",
        # Warnings and the "open this URL" block only, not a line per extension loaded and request
        # served; `-- --ServerApp.log_level=INFO` brings them back.
        "--ServerApp.log_level=WARN",
        "--LabApp.log_level=WARN",
        # jupyter_server waits 3 ping intervals for a websocket's answer, which tornado >= 6.5 refuses with
        # a warning on every kernel ("websocket_ping_timeout (90000) cannot be longer than..."); one
        # interval is what tornado then uses anyway.
        "--ServerApp.tornado_settings={'ws_ping_timeout': 30000}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI and containers run as root
    return command + extra


def serve_blog_page(aws_url: str, port: int = 0) -> blog_page.BlogPage:
    """The course set up in the local AWS at ``aws_url``, and its blog page served on its own origin
    (another port of 127.0.0.1, so every call the page makes to AWS is cross-origin, as on a real site)."""
    from . import course
    from .target import Target

    admin = local_aws.admin_keys()
    session = boto3.Session(
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        region_name=local_aws.DEFAULT_REGION,
    )
    target = Target("local", session, local_aws.DEFAULT_REGION, local_aws.ACCOUNT_ID, aws_url)
    previous = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = aws_url  # the course's clients follow it, as in a notebook
    try:
        course.set_up(target)
    finally:
        if previous is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = previous
    return blog_page.serve(target, port=port)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(prog="python -m helpers.lab", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8888, help="JupyterLab's port (default %(default)s)")
    parser.add_argument(
        "--notebooks", type=Path, default=NOTEBOOKS, help="the folder JupyterLab opens (default: notebooks/)"
    )
    parser.add_argument(
        "--aws-port", type=int, default=0, help="the local AWS's port; 0 picks a free one (default)"
    )
    parser.add_argument(
        "--page-port", type=int, default=0, help="the blog page's port; 0 picks a free one (default)"
    )
    args = parser.parse_args(argv)

    aws = local_aws.LocalAWS(port=args.aws_port, log_requests=True).start()
    print(f"Local AWS: {aws.url}", flush=True)
    page = serve_blog_page(aws.url, args.page_port)
    print(f"Blog page: {page.url}", flush=True)

    env = dict(os.environ)
    local_aws.export_client_environment(aws.url, environ=env)
    env[blog_page.URL_VARIABLE] = page.url  # notebook 05 shows the page from here
    # Its own session: Ctrl-C in the terminal reaches only this process, which then stops JupyterLab
    # with SIGTERM (on SIGINT JupyterLab would stop to ask "Shutdown this Jupyter server (y/[n])?").
    command = jupyter_command(args.port, extra, args.notebooks.resolve())
    jupyter = subprocess.Popen(command, env=env, start_new_session=True)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        code = jupyter.wait()
    except KeyboardInterrupt:
        print("\nStopping JupyterLab and the local AWS...", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_process_tree(jupyter)
        page.stop()
        aws.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
