"""A bucket S3 creates starts with no tags, even when an earlier bucket of the same name had some.

moto keeps a bucket's tags by its ARN and does not drop them when the bucket is deleted, so a bucket
created again under the same name comes back with the old bucket's tags. On AWS a new bucket has none
("CreateBucket", Amazon S3 API Reference: tags are added with PutBucketTagging or the request's own
``x-amz-tagging``-style bucket configuration). That matters here: the course recognises its own
resources by their tag (``helpers.course``), so a stale tag would make someone else's new bucket look like
the course's.

:class:`NewBucketTags` answers S3 CreateBucket by passing it to moto's S3 app, and when moto has just
created the bucket (it did not exist before, and the answer is 200) removes any tags moto carried over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..authorization.s3 import s3_location
from ..internal import InternalAWS

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def is_create_bucket(environ: dict[str, Any]) -> bool:
    """``PUT /<bucket>`` with no sub-resource in the query string (``?tagging``, ``?cors``, ...)."""
    if environ.get("REQUEST_METHOD") != "PUT" or environ.get("QUERY_STRING"):
        return False
    bucket, key = s3_location(environ)
    return bool(bucket) and key is None


class NewBucketTags:
    """The route layer for S3: CreateBucket through moto, then no tags left from an earlier bucket."""

    def __init__(self, moto_s3: Callable[[], WSGIApp], internal: InternalAWS) -> None:
        self.moto_s3 = moto_s3
        self.internal = internal

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        if not is_create_bucket(environ):
            return None
        bucket, _ = s3_location(environ)
        s3 = self.internal.client("s3")
        existed = bucket in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        status: list[str] = []

        def recording_start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(line)
            return start_response(line, headers, exc_info) if exc_info else start_response(line, headers)

        answer = self.moto_s3()(environ, recording_start_response)
        body = b"".join(answer)  # moto has answered (and start_response been called) once this is read
        if hasattr(answer, "close"):
            answer.close()
        if not existed and status and status[0].startswith("200"):
            s3.delete_bucket_tagging(Bucket=bucket)
        return [body]
