"""``python -m helpers.local_aws [--host 127.0.0.1] [--port N]``: serve the local AWS until interrupted.

The first line of standard output is the URL to use as ``AWS_ENDPOINT_URL``; ``--port 0`` picks a free
port. Only the given host is bound. Requests must be signed with the local administrator's key pair
(``--admin-access-key-id``/``--admin-secret-access-key``, default ``testing``/``testing``) or with
credentials the local AWS issued.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .app import make_app
from .constants import ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY
from .server import DEFAULT_HOST, LocalAWS
from .wire.authentication import ADMIN_KEY_VARIABLE, ADMIN_SECRET_VARIABLE, AdministratorKeys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.local_aws", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)")
    parser.add_argument(
        "--port", type=int, default=5000, help="port to bind; 0 picks a free one (default %(default)s)"
    )
    parser.add_argument(
        "--admin-access-key-id",
        default=os.environ.get(ADMIN_KEY_VARIABLE) or ADMIN_ACCESS_KEY_ID,
        help=f"the local administrator's access key id (default ${ADMIN_KEY_VARIABLE}, else %(default)s)",
    )
    parser.add_argument(
        "--admin-secret-access-key",
        default=os.environ.get(ADMIN_SECRET_VARIABLE) or ADMIN_SECRET_ACCESS_KEY,
        help=f"the local administrator's secret key (default ${ADMIN_SECRET_VARIABLE}, else 'testing')",
    )
    args = parser.parse_args(argv)
    admin = AdministratorKeys(args.admin_access_key_id, args.admin_secret_access_key)

    # A port in use: werkzeug says so ("Port N is in use by another program...") and exits with 1.
    aws = LocalAWS(host=args.host, port=args.port, app=make_app(admin), log_requests=True)
    # moto builds some URLs (for example S3 presigned URLs) from MOTO_PORT.
    os.environ.setdefault("MOTO_PORT", str(aws.port))

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Installed explicitly (a shell starts background jobs with SIGINT ignored), and before the URL is
    # printed, so whoever reads the URL may signal at once.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        # Inside the try: a signal may arrive while print is still returning, right after the URL is out.
        print(aws.url, flush=True)
        aws.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        aws.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
