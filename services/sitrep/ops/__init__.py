"""Operations: settings, logging, metrics, health endpoints, Kafka client factory."""
