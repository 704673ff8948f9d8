"""``helpers.sessions``: every session the course makes reads botocore's data through one loader."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import sessions


def test_sessions_share_one_loader_and_keep_their_own_keys_and_region():
    first = sessions.boto3_session(
        aws_access_key_id="AKIDFIRST", aws_secret_access_key="a", region_name="eu-west-1"
    )
    second = sessions.boto3_session(
        aws_access_key_id="AKIDSECOND", aws_secret_access_key="b", region_name="us-east-1"
    )
    loader = first._session.get_component("data_loader")  # noqa: SLF001 - the component under test
    assert second._session.get_component("data_loader") is loader  # noqa: SLF001
    assert sessions.botocore_session().get_component("data_loader") is loader
    assert first.get_credentials().access_key == "AKIDFIRST"
    assert second.get_credentials().access_key == "AKIDSECOND"
    assert (first.region_name, second.region_name) == ("eu-west-1", "us-east-1")


def test_a_new_sessions_first_client_reads_no_json(monkeypatch):
    sessions.boto3_session(region_name="us-east-1").client("cognito-identity")
    loader = sessions.botocore_session().get_component("data_loader")
    read: list[str] = []
    load_file = loader.file_loader.load_file
    monkeypatch.setattr(loader.file_loader, "load_file", lambda path: read.append(path) or load_file(path))
    client = sessions.boto3_session(region_name="us-east-1").client("cognito-identity")
    assert client.meta.service_model.service_name == "cognito-identity"
    assert read == []
    # A service nothing in the course loads is read (so the count above would have seen a read).
    sessions.boto3_session(region_name="us-east-1").client("sqs")
    assert read and all("sqs" in path for path in read)


def test_boto3_sessions_do_not_grow_the_shared_loaders_search_paths():
    sessions.boto3_session()
    paths = list(sessions.botocore_session().get_component("data_loader").search_paths)
    for _ in range(3):
        sessions.boto3_session()
    assert sessions.botocore_session().get_component("data_loader").search_paths == paths
    assert len(set(paths)) == len(paths)


def test_the_loader_reads_aws_data_path_as_botocore_does(tmp_path):
    code = (
        "import json; from helpers import sessions; "
        "print(json.dumps(sessions.botocore_session().get_component('data_loader').search_paths))"
    )
    env = {**os.environ, "AWS_DATA_PATH": os.pathsep.join([str(tmp_path / "one"), "~/two"])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    paths = json.loads(out.stdout)
    assert paths[:2] == [str(tmp_path / "one"), os.path.expanduser("~/two")]
