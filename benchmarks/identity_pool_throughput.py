"""Guest sign-ins and S3 reads per second: the local AWS against stock moto's server, side by side.

    python benchmarks/identity_pool_throughput.py [--seconds 3]

Each server runs in its own process on a free loopback port; one client thread drives it.
* guest sign-in: GetId + GetCredentialsForIdentity, unsigned, as a browser app does;
* S3 read: GetObject signed with the issued guest credentials (the local AWS evaluates the role's
  policies and the guest session policies on every request; stock moto checks nothing).
Target (issue 3): the local AWS at least 0.8x stock moto on both, and start-up to first answer at most
1.5 s (benchmarks/startup.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from helpers import course

REPO = Path(__file__).resolve().parent.parent
STOCK_SERVER = (
    "import sys, threading; from moto.server import ThreadedMotoServer; "
    "s = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False); s.start(); "
    "print('http://%s:%d' % s.get_host_and_port(), flush=True); threading.Event().wait()"
)
READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bench/comments/*"}],
}


def start(kind: str) -> tuple[subprocess.Popen, str]:
    command = (
        [sys.executable, "-m", "helpers.local_aws", "--port", "0"]
        if kind == "local"
        else [sys.executable, "-c", STOCK_SERVER]
    )
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    return process, process.stdout.readline().strip()


def client(service: str, url: str, **keys: str):
    keys = keys or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.session.Session().client(service, region_name="us-east-1", endpoint_url=url, **keys)


def set_up(kind: str, url: str) -> str:
    ci = client("cognito-identity", url)
    pool_id = ci.create_identity_pool(
        IdentityPoolName="bench", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]
    s3 = client("s3", url)
    s3.create_bucket(Bucket="bench")
    s3.put_object(Bucket="bench", Key="comments/1.txt", Body=b"a comment")
    if kind == "local":  # stock moto answers SetIdentityPoolRoles with HTTP 500 and needs no role
        iam = client("iam", url)
        trust = json.dumps(course.trust_policy(pool_id, "unauthenticated"))
        arn = iam.create_role(RoleName="bench-guest", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName="bench-guest", PolicyName="read", PolicyDocument=json.dumps(READ))
        ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"unauthenticated": arn})
    return pool_id


def rate(operation, seconds: float) -> float:
    operation()  # warm-up: lazy imports, first backend creation
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        operation()
        count += 1
    return count / (time.perf_counter() - started)


def measure(kind: str, seconds: float) -> dict[str, float]:
    process, url = start(kind)
    try:
        pool_id = set_up(kind, url)
        public = boto3.session.Session().client(
            "cognito-identity",
            region_name="us-east-1",
            endpoint_url=url,
            config=Config(signature_version=UNSIGNED),
        )

        def guest_sign_in() -> dict:
            identity_id = public.get_id(IdentityPoolId=pool_id)["IdentityId"]
            return public.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]

        credentials = guest_sign_in()
        s3 = client(
            "s3",
            url,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretKey"],
            aws_session_token=credentials["SessionToken"],
        )
        return {
            "guest sign-ins/s": rate(guest_sign_in, seconds),
            "S3 reads/s": rate(
                lambda: s3.get_object(Bucket="bench", Key="comments/1.txt")["Body"].read(), seconds
            ),
        }
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    stock = measure("stock", args.seconds)
    local = measure("local", args.seconds)
    print(f"{'':18} {'stock moto':>12} {'local AWS':>12} {'ratio':>7}  (target >= 0.80)")
    for name in stock:
        print(f"{name:18} {stock[name]:12.1f} {local[name]:12.1f} {local[name] / stock[name]:7.2f}")


if __name__ == "__main__":
    main()
