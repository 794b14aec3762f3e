"""The records that travel between sitrep's stages: the contract with downstream teams.

Every record is a frozen, slotted dataclass encoded as plain JSON with orjson and carries a
``schema`` field ``{"name": ..., "version": ...}``. JSON Schema files for each topic live in
``schemas/`` at the repository root; tests validate real pipeline output against them.
A breaking change is a new topic version (``.v2``), never an edit of an existing one.
"""

from sitrep.records.codec import RecordError, decode_event, decode_raw_item, decode_report, encode
from sitrep.records.model import (
    CLAIM_STATUSES,
    SOURCE_KINDS,
    SOURCE_ROLES,
    Actor,
    Corroboration,
    Event,
    EventCandidate,
    EventReportLink,
    Forward,
    Location,
    Media,
    MergeReason,
    Provenance,
    RawItem,
    Report,
    SchemaRef,
)

__all__ = [
    "CLAIM_STATUSES",
    "SOURCE_KINDS",
    "SOURCE_ROLES",
    "Actor",
    "Corroboration",
    "Event",
    "EventCandidate",
    "EventReportLink",
    "Forward",
    "Location",
    "Media",
    "MergeReason",
    "Provenance",
    "RawItem",
    "RecordError",
    "Report",
    "SchemaRef",
    "decode_event",
    "decode_raw_item",
    "decode_report",
    "encode",
]
