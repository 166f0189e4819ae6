"""Secrets at rest: channel credentials are encrypted with a key derived from the secret key.

Fernet (AES-128-CBC + HMAC-SHA256, from the well-kept ``cryptography`` package) authenticates
what it decrypts, so a tampered ciphertext fails loudly instead of yielding garbage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hearth.kit.errors import HearthError


class SecretDecryptionError(HearthError):
    """Stored secrets could not be decrypted: was the secret key changed?"""

    status = 500


def _derive(secret_key: str, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hearth/v1", info=purpose)
    return hkdf.derive(secret_key.encode())


class SecretBox:
    def __init__(self, secret_key: str, purpose: str = "channel-credentials") -> None:
        key = base64.urlsafe_b64encode(_derive(secret_key, purpose.encode()))
        self._fernet = Fernet(key)

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data).encode()).decode()

    def open(self, token: str) -> dict[str, Any]:
        if not token:
            return {}
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise SecretDecryptionError() from exc


def random_token(prefix: str = "", nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Hash for high-entropy random tokens (sessions, API tokens, invitations): SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()
