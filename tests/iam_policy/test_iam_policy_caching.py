"""The evaluator's caches (parsed policy texts, resolved patterns) never change a decision.

The same text must give the same decision whatever was evaluated before; a dict policy changed between
two calls is read anew; policy variables are substituted per request, never kept from an earlier one.
"""

from __future__ import annotations

import json

from helpers.iam_policy import Request, evaluate, resolve

SUB = "cognito-identity.amazonaws.com:sub"
BUCKET_ARN = "arn:aws:s3:::blog"


def _own_prefix_policy() -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/${{{SUB}}}/*"}
        ],
    }


def test_a_dict_policy_changed_between_calls_is_read_again() -> None:
    policy = _own_prefix_policy()
    request = Request("s3:GetObject", f"{BUCKET_ARN}/alice/1.txt", context={SUB: "alice"})
    assert evaluate(request, [policy]).allowed
    policy["Statement"][0]["Effect"] = "Deny"
    assert evaluate(request, [policy]).reason == "explicit deny"
    policy["Statement"][0]["Action"] = ["s3:PutObject"]  # the action list is changed in place too
    assert evaluate(request, [policy]).reason == "implicit deny: no statement allows"


def test_variables_are_substituted_per_request_from_a_cached_text() -> None:
    text = json.dumps(_own_prefix_policy())
    for user, other in (("alice", "bob"), ("bob", "alice"), ("alice", "bob")):
        mine = Request("s3:GetObject", f"{BUCKET_ARN}/{user}/1.txt", context={SUB: user})
        theirs = Request("s3:GetObject", f"{BUCKET_ARN}/{other}/1.txt", context={SUB: user})
        assert evaluate(mine, [text]).allowed
        assert not evaluate(theirs, [text]).allowed
    without_sub = Request("s3:GetObject", f"{BUCKET_ARN}/alice/1.txt")
    assert not evaluate(without_sub, [text]).allowed  # no value: the pattern matches nothing


def test_the_same_text_under_two_names_is_explained_under_each() -> None:
    text = json.dumps(_own_prefix_policy())
    request = Request("s3:GetObject", f"{BUCKET_ARN}/alice/1.txt", context={SUB: "alice"})
    assert "'first'" in evaluate(request, {"first": text}).explain()
    assert "'second'" in evaluate(request, {"second": text}).explain()


def test_resolve_of_a_cached_text_follows_the_context_and_flags() -> None:
    text = "a/${aws:username}/*"
    assert resolve(text, {"aws:username": ("x",)}, variables=True).literal() == "a/x/*"
    assert resolve(text, {"aws:username": ("y",)}, variables=True).literal() == "a/y/*"
    assert resolve(text, {}, variables=True).unresolved == ("aws:username",)
    assert resolve(text, {"aws:username": ("x",)}, variables=False).literal() == text
    assert resolve(text, {}, variables=False, wildcards=False).tokens == (text,)


def test_action_patterns_match_case_insensitively_whatever_was_cached() -> None:
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "S3:Get*", "Resource": "*"}]}
    )
    assert evaluate(Request("s3:getobject", "arn:aws:s3:::b/k"), [policy]).allowed
    assert not evaluate(Request("s3:PutObject", "arn:aws:s3:::b/k"), [policy]).allowed
    assert evaluate(Request("s3:GetObject", "arn:aws:s3:::b/k"), [policy]).allowed
