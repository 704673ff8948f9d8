"""Guest sign-ins, S3 reads and DynamoDB reads per second: the local AWS, stock moto and a floor.

    python benchmarks/identity_pool_throughput.py [--seconds 1.0] [--rounds 3] [--threads 1 4]

Three servers, each in its own process on a free loopback port, all on the same server stack
(werkzeug's threaded server with moto's request handler; one request per connection):
* local AWS: ``python -m helpers.local_aws``, as ``make lab`` runs it (its server hands a connection to
  a thread left waiting by an earlier one rather than starting a thread per connection, and it calls
  moto's handlers without moto's Flask layer: see ``helpers/local_aws/server.py`` and
  ``moto_services.py``);
* stock moto: moto's ``ThreadedMotoServer``, which checks no signature and no permission;
* floor: a trivial WSGI app answering every request with a fixed, valid answer: what any emulator on
  this stack, driven by these clients, can reach at best.
Paths, each driven by boto3 clients (one per client thread, all created beforehand):
* guest sign-in: GetId + GetCredentialsForIdentity, unsigned, as a browser app sends them;
* S3 read: GetObject signed with the guest credentials just issued (the local AWS verifies the request
  and evaluates the role's policy and the guest session policies; stock moto's credentials are its own
  and checked by nothing);
* DynamoDB read: GetItem of the guest's own item, signed likewise (on the local AWS the role allows it
  only with ``dynamodb:LeadingKeys`` equal to the caller's identity id: a policy variable and a condition).
Measurements are interleaved (every server, path and thread count once per round) and repeated; the
median of the rounds is reported, with the ratio of the local AWS (and of the floor) to stock moto,
then each server's CPU milliseconds per operation (from ``/proc``): a figure that other load on the
machine disturbs far less than requests per second.
Target (issue 10): the local AWS at least 1.2x stock moto on every path; reported, not asserted. The
exit status is non-zero only when a measurement could not be made (an error answer, a server not
starting). Keep the whole run under about two minutes on two cores (defaults: 3 x 3 x 2 x 3 runs of 1 s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from helpers import course

REPO = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ADMIN = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
BUCKET, KEY, TABLE = "bench", "comments/1.txt", "BenchProfiles"
SERVERS = ("floor", "stock moto", "local AWS")
PATHS = ("guest sign-ins/s", "S3 reads/s", "DynamoDB reads/s")

_SERVE = (
    "import sys, threading; from werkzeug.serving import make_server; "
    "from moto.server import MotoRequestHandler; {make_app}; "
    "server = make_server('127.0.0.1', 0, app, True, request_handler=MotoRequestHandler); "
    "print('http://127.0.0.1:%d' % server.server_address[1], flush=True); server.serve_forever()"
)
STOCK_SERVER = _SERVE.format(
    make_app="from moto.server import DomainDispatcherApplication, create_backend_app; "
    "app = DomainDispatcherApplication(create_backend_app)"
)
FLOOR_SERVER = _SERVE.format(make_app="from benchmarks.identity_pool_throughput import floor_app as app")
LOCAL_SERVER = "import sys; from helpers.local_aws.__main__ import main; sys.exit(main(['--port', '0']))"

_FLOOR_IDENTITY = "us-east-1:00000000-0000-4000-8000-000000000000"
_FLOOR_ANSWERS = {
    "AWSCognitoIdentityService.GetId": {"IdentityId": _FLOOR_IDENTITY},
    "AWSCognitoIdentityService.GetCredentialsForIdentity": {
        "IdentityId": _FLOOR_IDENTITY,
        "Credentials": {
            "AccessKeyId": "ASIAFLOORFLOORFLOOR2",
            "SecretKey": "floor/floor/floor/floor/floor/floor/floo",
            "SessionToken": "floor" * 64,
            "Expiration": 4102444800,
        },
    },
    "DynamoDB_20120810.GetItem": {"Item": {"identityId": {"S": _FLOOR_IDENTITY}}},
}


def floor_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The least any emulator must do: read the request, answer it with a fixed valid body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target in _FLOOR_ANSWERS:
        body = json.dumps(_FLOOR_ANSWERS[target]).encode()
        content_type = "application/x-amz-json-1.1"
    else:  # S3 GetObject
        body, content_type = b"a comment", "text/plain"
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    session: boto3.session.Session = field(default_factory=boto3.session.Session)

    def client(self, service: str, credentials: dict[str, str] | None = None, unsigned: bool = False) -> Any:
        config = Config(retries={"max_attempts": 1}, signature_version=UNSIGNED if unsigned else None)
        keys = {} if unsigned else (credentials or ADMIN)
        return self.session.client(service, region_name=REGION, endpoint_url=self.url, config=config, **keys)

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used, every thread included (Linux ``/proc``; else ``None``)."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def start(name: str) -> Server:
    code = {"floor": FLOOR_SERVER, "stock moto": STOCK_SERVER, "local AWS": LOCAL_SERVER}[name]
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        process.kill()
        raise RuntimeError(f"{name} did not start (exit status {process.wait()})")
    return Server(name, url, process)


def set_up(server: Server) -> str:
    """The identity pool, bucket and table; on the local AWS an unauthenticated role that may read both."""
    if server.name == "floor":
        return "us-east-1:floor"
    ci = server.client("cognito-identity")
    pool_id = ci.create_identity_pool(
        IdentityPoolName="bench", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]
    s3 = server.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"a comment")
    table = server.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "identityId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "identityId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]
    if server.name == "local AWS":  # stock moto answers SetIdentityPoolRoles with HTTP 500, needs no role
        iam = server.client("iam")
        trust = json.dumps(course.trust_policy(pool_id, "unauthenticated"))
        # The course's authenticated role policy: comments readable, and only the caller's own profile item.
        permissions = json.dumps(course.authenticated_permissions(BUCKET, table["TableArn"]))
        arn = iam.create_role(RoleName="bench-guest", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName="bench-guest", PolicyName="read", PolicyDocument=permissions)
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"unauthenticated": arn})
    return pool_id


def guest_sign_in(public: Any, pool_id: str) -> tuple[str, dict[str, str]]:
    identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
    credentials = public.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    return identity_id, {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretKey"],
        "aws_session_token": credentials["SessionToken"],
    }


def operations(server: Server, pool_id: str, threads: int) -> dict[str, list[Callable[[], Any]]]:
    """For each path, one operation per client thread, each with its own clients and guest."""
    found: dict[str, list[Callable[[], Any]]] = {path: [] for path in PATHS}
    admin_table = server.client("dynamodb")
    for _ in range(threads):
        public = server.client("cognito-identity", unsigned=True)
        identity_id, keys = guest_sign_in(public, pool_id)
        if server.name != "floor":
            admin_table.put_item(TableName=TABLE, Item={"identityId": {"S": identity_id}})
        s3, table = server.client("s3", keys), server.client("dynamodb", keys)
        key = {"identityId": {"S": identity_id}}
        found["guest sign-ins/s"].append(lambda public=public: guest_sign_in(public, pool_id))
        found["S3 reads/s"].append(lambda s3=s3: s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read())
        found["DynamoDB reads/s"].append(
            lambda table=table, key=key: table.get_item(TableName=TABLE, Key=key)["Item"]
        )
    return found


def rate(
    operations: list[Callable[[], Any]], seconds: float, cpu: Callable[[], float | None]
) -> tuple[float, float | None]:
    """Operations per second with one thread per operation, all started together, and the server's CPU
    milliseconds per operation (``cpu`` reads the server process's CPU seconds; ``None`` if unknown)."""
    for operation in operations:
        operation()  # warm-up, and a failure here is reported before anything is timed
    counts = [0] * len(operations)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(operations) + 1)
    deadline = [0.0]

    def run(index: int) -> None:
        barrier.wait()
        try:
            while time.perf_counter() < deadline[0]:
                operations[index]()
                counts[index] += 1
        except Exception as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(len(operations))]
    for worker in workers:
        worker.start()
    cpu_before = cpu()
    started = time.perf_counter()
    deadline[0] = started + seconds
    barrier.wait()
    for worker in workers:
        worker.join()
    elapsed, cpu_after = time.perf_counter() - started, cpu()
    if errors:
        raise errors[0]
    done = sum(counts)
    known = cpu_before is not None and cpu_after is not None and done
    cpu_ms = (cpu_after - cpu_before) / done * 1e3 if known else None
    return done / elapsed, cpu_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    servers: dict[str, Server] = {}
    prepared: dict[tuple[str, int], dict[str, list[Callable[[], Any]]]] = {}
    failures: list[str] = []
    try:
        for name in SERVERS:
            try:
                servers[name] = start(name)
                pool_id = set_up(servers[name])
                for threads in args.threads:
                    prepared[name, threads] = operations(servers[name], pool_id, threads)
            except Exception as error:  # noqa: BLE001 - report it and measure the others
                failures.append(f"{name}: set-up failed: {error!r}")
        rates: dict[tuple[str, int, str], dict[int, float]] = {}
        cpu_costs: dict[tuple[str, int, str], dict[int, float]] = {}
        for round_number in range(1, args.rounds + 1):
            for path in PATHS:
                for threads in args.threads:
                    for name in SERVERS:  # interleaved: a drift in the machine's load hits every server
                        if (name, threads) not in prepared:
                            continue
                        try:
                            measured, cpu_ms = rate(
                                prepared[name, threads][path], args.seconds, servers[name].cpu_seconds
                            )
                        except Exception as error:  # noqa: BLE001 - report it, carry on
                            where = f"{name}, {path}, {threads} threads, round {round_number}"
                            failures.append(f"{where}: {error!r}")
                            continue
                        rates.setdefault((name, threads, path), {})[round_number] = measured
                        if cpu_ms is not None:
                            cpu_costs.setdefault((name, threads, path), {})[round_number] = cpu_ms
            print(f"round {round_number} of {args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for server in servers.values():
            server.stop()
    report(rates, args)
    if cpu_costs:
        report_cpu(cpu_costs, args)
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


def report(rates: dict[tuple[str, int, str], dict[int, float]], args: argparse.Namespace) -> None:
    print(
        f"median of {args.rounds} rounds of {args.seconds:g} s; ratios against stock moto "
        "(target: local AWS >= 1.20x on every path)"
    )
    print(
        f"{'':28} {'floor':>8} {'stock':>8} {'local':>8} {'local/stock':>12} {'floor/stock':>12}"
        f"  {'local/stock by round':>20}"
    )
    for path in PATHS:
        for threads in args.threads:
            median = {
                name: statistics.median(rates[name, threads, path].values())
                for name in SERVERS
                if rates.get((name, threads, path))
            }
            stock = median.get("stock moto")
            shown = [f"{median[name]:8.0f}" if name in median else f"{'-':>8}" for name in SERVERS]
            ratios = [
                f"{median[name] / stock:11.2f}x" if name in median and stock else f"{'-':>12}"
                for name in ("local AWS", "floor")
            ]
            # Rounds are interleaved, so the ratio within one round is the fairest single comparison.
            local_rates = rates.get(("local AWS", threads, path), {})
            stock_rates = rates.get(("stock moto", threads, path), {})
            by_round = [f"{local_rates[n] / stock_rates[n]:.2f}" for n in local_rates if n in stock_rates]
            label = f"{path}, {threads} thread{'s' if threads > 1 else ''}"
            print(f"{label:28} {' '.join(shown)} {' '.join(ratios)}  {' '.join(by_round):>20}")


def report_cpu(cpu_costs: dict[tuple[str, int, str], dict[int, float]], args: argparse.Namespace) -> None:
    """Server CPU per operation: what each server spends, whatever else the machine is doing."""
    print()
    print("server CPU ms per operation (median); stock/local > 1 means the local AWS spends less")
    print(f"{'':28} {'floor':>8} {'stock':>8} {'local':>8} {'stock/local':>12}")
    for path in PATHS:
        for threads in args.threads:
            median = {
                name: statistics.median(cpu_costs[name, threads, path].values())
                for name in SERVERS
                if cpu_costs.get((name, threads, path))
            }
            shown = [f"{median[name]:8.2f}" if name in median else f"{'-':>8}" for name in SERVERS]
            both = "local AWS" in median and "stock moto" in median and median["local AWS"] > 0
            ratio = f"{median['stock moto'] / median['local AWS']:11.2f}x" if both else f"{'-':>12}"
            label = f"{path.removesuffix('/s')}, {threads} thread{'s' if threads > 1 else ''}"
            print(f"{label:28} {' '.join(shown)} {ratio}")


if __name__ == "__main__":
    sys.exit(main())
