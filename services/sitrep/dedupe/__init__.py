"""Dedupe: copies (forwards, reposts, near-identical texts) and same-event clustering. Pure code.

The faust app keeps each place cell's state in a table and calls these functions; ``sitrep
label`` calls them with an in-memory dict. Nothing here imports Kafka, faust or a database.
"""
