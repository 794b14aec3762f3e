"""The test harness hands a child service the settings the test built, security included."""

from __future__ import annotations

from sitrep.ops.settings import Settings
from tests.services import env_for


def test_child_services_get_the_kafka_security_and_the_guarantee() -> None:
    settings = Settings.from_env(
        {
            "SITREP_KAFKA_BOOTSTRAP": "127.0.0.1:9094",
            "SITREP_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "SITREP_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "SITREP_KAFKA_SASL_USERNAME": "sitrep",
            "SITREP_KAFKA_SASL_PASSWORD": "sitrep-secret",
            "SITREP_PROCESSING_GUARANTEE": "exactly_once",
        }
    )

    child = Settings.from_env(env_for(settings))

    assert child.kafka_bootstrap == "127.0.0.1:9094"
    assert child.kafka_security.protocol == "SASL_PLAINTEXT"
    assert child.kafka_security.sasl_mechanism == "SCRAM-SHA-256"
    assert child.kafka_security.sasl_username == "sitrep"
    assert child.kafka_security.sasl_password.reveal() == "sitrep-secret"
    assert child.processing_guarantee == "exactly_once"


def test_a_plaintext_setup_passes_no_credentials() -> None:
    env = env_for(Settings.from_env({}))

    assert env["SITREP_KAFKA_SECURITY_PROTOCOL"] == "PLAINTEXT"
    assert not any(k.startswith(("SITREP_KAFKA_SASL", "SITREP_KAFKA_SSL")) for k in env)
