"""Time from starting ``python -m helpers.local_aws`` to its first answered request.

    python benchmarks/startup.py [--runs 7]

Each run starts a fresh process on a free port, waits for the URL line, then sends STS
GetCallerIdentity with boto3 (created before the process starts, so only the server is timed) until it
answers. Prints every run, then the median. Target (issue 2): at most 1.5 s on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

REPO = Path(__file__).resolve().parent.parent


def one_run() -> float:
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "helpers.local_aws", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        sts = session.client("sts", endpoint_url=url, config=Config(retries={"max_attempts": 1}))
        while True:
            try:
                sts.get_caller_identity()
                return time.perf_counter() - started
            except EndpointConnectionError:
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    one_run()  # warm the file system cache, as a second `make lab` would be
    times = [one_run() for _ in range(args.runs)]
    for number, seconds in enumerate(times, 1):
        print(f"run {number}: {seconds:.3f} s")
    print(
        f"local AWS start-up to first answered request: median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs; target <= 1.5 s)"
    )


if __name__ == "__main__":
    main()
