"""sitrep: conflict reporting (Telegram channels, news wires) to ACLED-coded events on Kafka."""

__version__ = "0.1.0"
