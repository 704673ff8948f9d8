"""Microseconds per IAM decision for the course's reads, with and without the evaluator's caches.

    python benchmarks/policy_evaluation.py [--decisions 5000]

The decisions the local AWS makes on every read signed with issued credentials:
* guest S3 read: ``s3:GetObject`` on a blog comment, the unauthenticated role's policy
  (``course.unauthenticated_permissions``)
  intersected with the two guest session policies Cognito adds in the enhanced flow;
* authenticated DynamoDB read: ``dynamodb:GetItem`` on the profiles table with ``dynamodb:LeadingKeys``, the
  authenticated role's policy (``course.authenticated_permissions``, a policy variable and a condition).
Policies are passed as JSON texts, as the local AWS holds them. "cold" clears the evaluator's caches
before every decision (each policy text parsed, each pattern resolved again, roughly what every decision
cost before these caches: 164 and 70 µs measured on 2 cores before the change, cold 200 and 74 after);
"warm" is the steady state of a running local AWS (32 and 34 µs). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from helpers import course
from helpers.iam_policy import Decision, Request, evaluate, evaluation, matching
from helpers.local_aws.guest_session_policy import session_policies

ACCOUNT = "123456789012"
BUCKET = f"cognito-course-blog-{ACCOUNT}-us-east-1"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{course.PROFILES_TABLE}"
SUB = "us-east-1:0b6ad3c1-7c1e-4a8e-9a55-1d2f0e1c4b7a"


def _context(amr: list[str], **extra: object) -> dict[str, object]:
    """The context keys the local AWS's enforcement layer sends with a request (its shape, not its code)."""
    return {
        "cognito-identity.amazonaws.com:aud": "us-east-1:11111111-2222-3333-4444-555555555555",
        "cognito-identity.amazonaws.com:sub": SUB,
        "cognito-identity.amazonaws.com:amr": amr,
        "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/blog-guest",
        "aws:userid": "AROAEXAMPLE:CognitoIdentityCredentials",
        "aws:PrincipalAccount": ACCOUNT,
        "aws:CurrentTime": "2026-11-29T12:00:00Z",
        "aws:EpochTime": "1795953600",
        "aws:SecureTransport": "false",
        "aws:RequestedRegion": "us-east-1",
        **extra,
    }


def guest_s3_read() -> Decision:
    return evaluate(
        Request(
            "s3:GetObject",
            f"arn:aws:s3:::{BUCKET}/comments/1.txt",
            context=_context(["unauthenticated"], **{"s3:authType": "REST-HEADER"}),
        ),
        UNAUTHENTICATED_ROLE_POLICIES,
        session_policies=GUEST_SESSION_POLICIES,
    )


def authenticated_dynamodb_read() -> Decision:
    return evaluate(
        Request(
            "dynamodb:GetItem",
            TABLE,
            context=_context(
                ["authenticated", "cognito-idp.us-east-1.amazonaws.com"],
                **{"dynamodb:LeadingKeys": [SUB], "dynamodb:Attributes": ["identityId"]},
            ),
        ),
        AUTHENTICATED_ROLE_POLICIES,
    )


UNAUTHENTICATED_ROLE_POLICIES = {"guest-read": json.dumps(course.unauthenticated_permissions(BUCKET))}
GUEST_SESSION_POLICIES = session_policies()
AUTHENTICATED_ROLE_POLICIES = {"authenticated": json.dumps(course.authenticated_permissions(BUCKET, TABLE))}


def clear_caches() -> None:
    """Forget parsed policies and patterns (the compiled-regex cache predates them and stays)."""
    caches = (evaluation._parse_text, evaluation._action_outcome, matching._parse, matching._action_pattern)
    for cached in caches:
        cached.cache_clear()


def microseconds(decide: Callable[[], Decision], decisions: int, *, cold: bool) -> float:
    if not decide().allowed:  # the benchmark measures the course's allowed reads
        raise SystemExit(f"{decide.__name__} was denied:\n{decide().explain()}")
    started = time.perf_counter()
    for _ in range(decisions):
        if cold:
            clear_caches()
        decide()
    return (time.perf_counter() - started) / decisions * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=5000)
    args = parser.parse_args()
    print(f"{'µs per decision':26} {'cold':>8} {'warm':>8} {'speed-up':>9}")
    for decide in (guest_s3_read, authenticated_dynamodb_read):
        cold = microseconds(decide, args.decisions // 5, cold=True)
        warm = microseconds(decide, args.decisions, cold=False)
        print(f"{decide.__name__:26} {cold:8.1f} {warm:8.1f} {cold / warm:8.1f}x")


if __name__ == "__main__":
    main()
