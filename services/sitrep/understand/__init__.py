"""Understanding: a report's text in, ACLED-coded event candidates out. Pure code.

No Kafka, faust, Telethon or database imports here: the stream processor, ``sitrep label`` and
the tests run the very same code.

Public API (used by :mod:`sitrep.normalize`):

- :class:`ReportContext` — what is known about a report besides its text;
- :class:`Understanding` — language, cleaned text, candidates ordered by salience;
- :func:`default_understander` — the process-wide :class:`Understander` (gazetteer loaded once).
"""
