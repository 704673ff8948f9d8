"""Showing AWS answers in a notebook: trimmed, stable, and never with a secret in them."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from .masking import mask_access_key_id, mask_secret

SECRET_FIELDS = {
    "SecretKey",
    "SecretAccessKey",
    "SessionToken",
    "Token",
    "IdToken",
    "AccessToken",
    "RefreshToken",
    "WebIdentityToken",
}
KEY_FIELDS = {"AccessKeyId"}


def masked(value: Any) -> Any:
    """A copy of an AWS answer with ResponseMetadata dropped, secrets and keys masked, dates as text."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "ResponseMetadata":
                continue
            if key in SECRET_FIELDS and isinstance(item, str):
                result[key] = mask_secret(item)
            elif key in KEY_FIELDS and isinstance(item, str):
                result[key] = mask_access_key_id(item)
            else:
                result[key] = masked(item)
        return result
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def show(value: Any) -> None:
    """Print an AWS answer as indented JSON, masked (see :func:`masked`)."""
    print(json.dumps(masked(value), indent=2, sort_keys=False, default=str))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JWT's header and claims, decoded without checking the signature (to look at, not to trust)."""
    header, payload = token.split(".")[:2]

    def decode(part: str) -> dict[str, Any]:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    return decode(header), decode(payload)
