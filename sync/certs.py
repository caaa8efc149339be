"""The deployment's own TLS: a private CA (EC P-256) and the broker's server certificate it signs."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 3650
ALWAYS_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class CertPaths:
    """Where the PEM files of one deployment's CA and server certificate were written."""

    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path


def subject_alt_names(hosts: list[str]) -> list[x509.GeneralName]:
    """SAN entries for the hosts plus 127.0.0.1 and localhost: IPAddress for addresses, DNSName otherwise."""
    names: list[x509.GeneralName] = []
    seen: set[str] = set()
    for host in [*hosts, *ALWAYS_HOSTS]:
        host = host.strip()
        if not host or host.lower() in seen:
            continue
        seen.add(host.lower())
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "edgepos"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """A PEM private key created with mode 0600 from the start (never world-readable, not even briefly)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)  # O_CREAT's mode does not apply to a file that already existed


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.chmod(path, 0o644)


def make_ca(now: datetime | None = None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new self-signed CA key and certificate valid for ten years."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("edgepos deployment CA")
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, hosts: list[str],
                     now: datetime | None = None) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new server key and a certificate signed by the CA, valid for every host given and the loopback names."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    sans = subject_alt_names(hosts)
    common = next((h for h in [*hosts, *ALWAYS_HOSTS] if h.strip()), "localhost")
    cert = (x509.CertificateBuilder()
            .subject_name(_name(common[:64])).issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(min(now + timedelta(days=SERVER_DAYS), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def write_certificates(directory: Path, hosts: list[str]) -> CertPaths:
    """Generate the CA and server certificate and write ca.crt, ca.key, server.crt, server.key (keys 0600)."""
    paths = CertPaths(directory / "ca.crt", directory / "ca.key", directory / "server.crt", directory / "server.key")
    ca_key, ca_cert = make_ca()
    server_key, server_cert = make_server_cert(ca_key, ca_cert, hosts)
    _write_key(paths.ca_key, ca_key)
    _write_cert(paths.ca_cert, ca_cert)
    _write_key(paths.server_key, server_key)
    _write_cert(paths.server_cert, server_cert)
    return paths
