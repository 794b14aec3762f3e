"""Understanding: a report's text in, ACLED-coded event candidates out. Pure code.

No Kafka, faust, Telethon or database imports here: the stream processor, ``sitrep label`` and
the tests run the very same code.

Public API (used by :mod:`sitrep.normalize`):

- :class:`ReportContext` — what is known about a report besides its text;
- :class:`Understanding` — language, cleaned text, candidates ordered by salience;
- :class:`Understander` and :func:`default_understander` — the process-wide understander
  (gazetteer and dictionaries loaded once).
"""

from sitrep.understand.understanding import (
    ReportContext,
    Understander,
    Understanding,
    default_understander,
)

__all__ = ["ReportContext", "Understander", "Understanding", "default_understander"]
