"""Key material: the authorization server's signing key and (dev only) participants' keys.

Production: the signing key comes from ``IWLZ_NID_SIGNING_KEY_FILE`` (PEM, P-256) and there is
no default. Dev mode: a key is generated once under ``./var/keys/`` and reused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


class KeyError_(RuntimeError):
    """Key material is missing or unusable; the message says what to configure."""


def generate_ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_pem(data: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise KeyError_("the signing key must be an EC P-256 private key (ES256)")
    return key


def public_jwk(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> dict[str, Any]:
    """Public JWK with a RFC 7638 thumbprint as ``kid``."""
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    jwk: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(pub))
    members = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    thumb = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode())
    jwk["kid"] = base64.urlsafe_b64encode(thumb.digest()).rstrip(b"=").decode()
    jwk["use"] = "sig"
    jwk["alg"] = "ES256"
    return jwk


@dataclass(frozen=True)
class SigningKey:
    """A private key with its public JWK (``kid`` set)."""

    private: ec.EllipticCurvePrivateKey
    jwk: dict[str, Any]

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])

    @classmethod
    def from_pem(cls, data: bytes) -> SigningKey:
        key = load_private_pem(data)
        return cls(key, public_jwk(key))

    @classmethod
    def generate(cls) -> SigningKey:
        key = generate_ec_key()
        return cls(key, public_jwk(key))


def load_or_create(path: Path, *, create: bool) -> SigningKey:
    """Read a PEM key; create it (mode 0600) when ``create`` (dev mode only)."""
    if path.exists():
        return SigningKey.from_pem(path.read_bytes())
    if not create:
        raise KeyError_(
            f"no signing key at {path}: set IWLZ_NID_SIGNING_KEY_FILE to an EC P-256 PEM key "
            "(openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)"
        )
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(private_pem(key.private))
    path.chmod(0o600)
    return key
