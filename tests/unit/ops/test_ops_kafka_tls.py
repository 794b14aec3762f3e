"""TLS settings reach every Kafka client: the CA and the client certificate are loaded into the
SSL context that aiokafka and faust get; unreadable files are a clear configuration error.

The local broker has no TLS listener, so these tests check the client side with certificates
made by the ``openssl`` command; SASL against the real broker is tests/integration/
test_kafka_security.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sitrep.ops.kafka import client_kwargs, faust_broker_credentials
from sitrep.ops.settings import Settings, SettingsError


def self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail(
            "the openssl command is needed to make test certificates (apt-get install openssl)"
        )
    cert, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}"]
    subprocess.run(
        [openssl, *args, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def tls_settings(protocol: str, **env: str) -> Settings:
    base = {"SITREP_KAFKA_SECURITY_PROTOCOL": protocol}
    if protocol.startswith("SASL"):
        base |= {
            "SITREP_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "SITREP_KAFKA_SASL_USERNAME": "sitrep",
            "SITREP_KAFKA_SASL_PASSWORD": "pw",
        }
    return Settings.from_env(base | env)


def subjects(ctx: object) -> list[object]:
    return [cert["subject"] for cert in ctx.get_ca_certs()]  # type: ignore[attr-defined]


def test_the_ca_file_is_trusted_by_aiokafka_clients(tmp_path: Path) -> None:
    ca, _ = self_signed(tmp_path, "sitrep-test-ca")
    kwargs = client_kwargs(tls_settings("SASL_SSL", SITREP_KAFKA_SSL_CAFILE=str(ca)))
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert subjects(kwargs["ssl_context"]) == [((("commonName", "sitrep-test-ca"),),)]


def test_a_client_certificate_is_loaded_for_mutual_tls(tmp_path: Path) -> None:
    ca, _ = self_signed(tmp_path, "sitrep-test-ca")
    cert, key = self_signed(tmp_path, "sitrep-client")
    settings = tls_settings(
        "SSL",
        SITREP_KAFKA_SSL_CAFILE=str(ca),
        SITREP_KAFKA_SSL_CERTFILE=str(cert),
        SITREP_KAFKA_SSL_KEYFILE=str(key),
    )
    kwargs = client_kwargs(settings)
    assert kwargs["security_protocol"] == "SSL"
    assert "sasl_mechanism" not in kwargs
    assert kwargs["ssl_context"].verify_mode.name == "CERT_REQUIRED"


def test_faust_gets_the_same_tls_and_sasl_settings(tmp_path: Path) -> None:
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    ca, _ = self_signed(tmp_path, "sitrep-test-ca")
    sasl = credentials_to_aiokafka_auth(
        faust_broker_credentials(tls_settings("SASL_SSL", SITREP_KAFKA_SSL_CAFILE=str(ca)))
    )
    assert (sasl["security_protocol"], sasl["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert subjects(sasl["ssl_context"]) == [((("commonName", "sitrep-test-ca"),),)]
    tls = credentials_to_aiokafka_auth(
        faust_broker_credentials(tls_settings("SSL", SITREP_KAFKA_SSL_CAFILE=str(ca)))
    )
    assert tls["security_protocol"] == "SSL"


def test_an_unreadable_ca_file_is_a_configuration_error(tmp_path: Path) -> None:
    settings = tls_settings("SSL", SITREP_KAFKA_SSL_CAFILE=str(tmp_path / "missing.crt"))
    with pytest.raises(SettingsError, match="SITREP_KAFKA_SSL_CAFILE"):
        client_kwargs(settings)


def test_a_key_that_does_not_match_the_certificate_is_a_configuration_error(
    tmp_path: Path,
) -> None:
    ca, _ = self_signed(tmp_path, "sitrep-test-ca")
    cert, _ = self_signed(tmp_path, "sitrep-client")
    _, other_key = self_signed(tmp_path, "someone-else")
    settings = tls_settings(
        "SSL",
        SITREP_KAFKA_SSL_CAFILE=str(ca),
        SITREP_KAFKA_SSL_CERTFILE=str(cert),
        SITREP_KAFKA_SSL_KEYFILE=str(other_key),
    )
    with pytest.raises(SettingsError, match="SITREP_KAFKA_SSL_CERTFILE"):
        client_kwargs(settings)
