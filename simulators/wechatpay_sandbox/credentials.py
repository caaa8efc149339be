"""What the sandbox hands a merchant: wechatpay.json, the API key, the client certificate (apiclient_cert.pem)."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes, PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sync.certs import make_ca, make_server_cert
from sync.deployment import write_private

CLIENT_DAYS = 1825
CREDENTIALS = "wechatpay.json"


@dataclass(frozen=True)
class Merchant:
    """The merchant account the sandbox serves, and where its files are."""

    appid: str
    mch_id: str
    api_key: str
    cert: Path
    key: Path
    ca_file: Path
    server_cert: Path
    server_key: Path


def _key_pem(key: PrivateKeyTypes) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_client_cert(ca_key: CertificateIssuerPrivateKeyTypes, ca_cert: x509.Certificate,
                     mch_id: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The merchant's API certificate: RSA 2048 like apiclient_cert.pem, CN = the mch_id, for client auth."""
    now = datetime.now(UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "WeChat Pay sandbox"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "edgepos sandbox merchant"),
                      x509.NameAttribute(NameOID.COMMON_NAME, mch_id)])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(min(now + timedelta(days=CLIENT_DAYS), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def write_merchant(out: Path, hosts: list[str]) -> Merchant:
    """A fresh CA, server certificate, merchant account and client certificate, written into `out` (0600)."""
    out.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = make_ca()
    server_key, server_cert = make_server_cert(ca_key, ca_cert, hosts)
    mch_id = f"19{secrets.randbelow(10**8):08d}"
    client_key, client_cert = make_client_cert(ca_key, ca_cert, mch_id)
    merchant = Merchant(appid=f"wx{secrets.token_hex(8)}", mch_id=mch_id, api_key=secrets.token_hex(16),
                        cert=out / "apiclient_cert.pem", key=out / "apiclient_key.pem", ca_file=out / "sandbox_ca.pem",
                        server_cert=out / "sandbox_server.pem", server_key=out / "sandbox_server_key.pem")
    for path, data in ((merchant.cert, _cert_pem(client_cert)), (merchant.key, _key_pem(client_key)),
                       (merchant.ca_file, _cert_pem(ca_cert)), (merchant.server_cert, _cert_pem(server_cert)),
                       (merchant.server_key, _key_pem(server_key))):
        write_private(path, data)
    return merchant


def write_credentials(out: Path, merchant: Merchant, api_base_url: str) -> Path:
    """DIR/wechatpay.json as a merchant is given it (mode 0600: it holds the API key)."""
    path = out / CREDENTIALS
    body = {"appid": merchant.appid, "mch_id": merchant.mch_id, "api_key": merchant.api_key,
            "cert": str(merchant.cert), "key": str(merchant.key), "api_base_url": api_base_url,
            "ca_file": str(merchant.ca_file)}
    write_private(path, json.dumps(body, indent=1).encode())
    return path
