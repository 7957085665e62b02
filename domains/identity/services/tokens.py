"""Opaque secrets (refresh tokens, API keys, invitations): shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """High-entropy secrets need no slow hash; SHA-256 makes the stored value useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)
