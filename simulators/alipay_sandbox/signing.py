"""RSA2 as Alipay does it: SHA256withRSA, base64, over the sorted `k=v&...` of the parameters."""
from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Alipay's rule for a request: every parameter but `sign`, empty values left out (sign_type is signed).
REQUEST_UNSIGNED = frozenset({"sign"})
# Alipay's rule for an asynchronous notification: `sign` and `sign_type` are both left out.
NOTIFY_UNSIGNED = frozenset({"sign", "sign_type"})


def signing_string(params: Mapping[str, str], unsigned: Iterable[str] = REQUEST_UNSIGNED) -> str:
    """The text that is signed: sorted `k=v` pairs joined by `&`, values not URL-encoded."""
    skip = set(unsigned)
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in skip and v != "")


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key (the size Alipay's key tool makes)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(key: rsa.RSAPrivateKey, text: str, charset: str = "utf-8") -> str:
    """RSA2: SHA256withRSA (PKCS#1 v1.5) over the text in the request's charset, base64."""
    return base64.b64encode(key.sign(text.encode(charset), padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def verify(key: rsa.RSAPublicKey, text: str, signature: str, charset: str = "utf-8") -> bool:
    """Whether `signature` (base64) is the RSA2 signature of `text` (in `charset`) by the holder of `key`."""
    try:
        raw = base64.b64decode(signature, validate=False)
        key.verify(raw, text.encode(charset), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return True


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    """PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), as Alipay's key tool writes for non-Java merchants."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def public_pem(key: rsa.RSAPublicKey) -> bytes:
    """X.509 SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), the form Alipay gives its public key in."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private(path: Path) -> rsa.RSAPrivateKey:
    """An RSA private key from a PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path}: not an RSA private key")
    return key


def load_public(path: Path) -> rsa.RSAPublicKey:
    """An RSA public key from a PEM file."""
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"{path}: not an RSA public key")
    return key
