"""A bucket created again under an earlier bucket's name starts with no tags, as on S3 (moto kept them)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def tags(s3, bucket: str) -> list[dict[str, str]] | str:
    try:
        return s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    except ClientError as error:
        return error.response["Error"]["Code"]


@pytest.fixture
def s3(endpoint):
    return endpoint.client("s3")


def test_a_bucket_created_again_has_none_of_the_deleted_buckets_tags(s3):
    s3.create_bucket(Bucket="tags-of-a-deleted-bucket")
    s3.put_bucket_tagging(
        Bucket="tags-of-a-deleted-bucket", Tagging={"TagSet": [{"Key": "course", "Value": "mine"}]}
    )
    s3.delete_bucket(Bucket="tags-of-a-deleted-bucket")
    s3.create_bucket(Bucket="tags-of-a-deleted-bucket")
    try:
        assert tags(s3, "tags-of-a-deleted-bucket") == "NoSuchTagSet"
    finally:
        s3.delete_bucket(Bucket="tags-of-a-deleted-bucket")


def test_creating_a_bucket_one_already_owns_keeps_its_tags(s3):
    """In us-east-1 CreateBucket on a bucket the caller owns answers 200 and changes nothing."""
    s3.create_bucket(Bucket="tags-of-an-existing-bucket")
    s3.put_bucket_tagging(
        Bucket="tags-of-an-existing-bucket", Tagging={"TagSet": [{"Key": "course", "Value": "mine"}]}
    )
    try:
        s3.create_bucket(Bucket="tags-of-an-existing-bucket")
        assert tags(s3, "tags-of-an-existing-bucket") == [{"Key": "course", "Value": "mine"}]
    finally:
        s3.delete_bucket(Bucket="tags-of-an-existing-bucket")
