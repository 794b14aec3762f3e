"""Wire collector."""
