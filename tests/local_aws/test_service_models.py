"""botocore's service models: loaded on first use, once per process, for every layer and local AWS."""

from __future__ import annotations

import subprocess
import sys

from helpers.local_aws.service_models import service_model
from helpers.local_aws.wire.services import ServiceCatalog


def test_models_are_cached_and_not_loaded_at_import() -> None:
    assert service_model("cognito-identity") is service_model("cognito-identity")
    code = (
        "import helpers.local_aws, helpers.local_aws.service_models as m; "
        "print(m.service_model.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_every_service_catalog_reads_the_one_loaded_model() -> None:
    first, second = ServiceCatalog(), ServiceCatalog()
    assert first.fronted["cognito-identity"] is second.fronted["cognito-identity"]
    loaded = service_model.cache_info()
    third = ServiceCatalog()  # another local AWS's: it loads nothing more
    assert third.fronted.keys() == first.fronted.keys()
    assert service_model.cache_info().misses == loaded.misses
