"""Masking what a notebook must never show in full: account ids, access keys, secrets, tokens."""

from __future__ import annotations


def mask_account_id(account_id: str) -> str:
    """``'111122223333'`` → ``'********3333'``: enough to recognise an account, not to publish it."""
    return "*" * max(len(account_id) - 4, 0) + account_id[-4:]


def mask_access_key_id(access_key_id: str) -> str:
    """``'ASIAXXXXXXXXXXXXXXXX'`` → ``'ASIA****************'``.

    The prefix stays: it tells temporary credentials (ASIA) from long-term keys (AKIA).
    """
    return access_key_id[:4] + "*" * max(len(access_key_id) - 4, 0)


def mask_secret(secret: str) -> str:
    """A secret key or session token shows only its length."""
    return f"<{len(secret)} characters, hidden>"
