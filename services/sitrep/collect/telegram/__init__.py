"""Telegram collector."""
