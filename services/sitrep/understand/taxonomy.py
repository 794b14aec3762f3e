"""ACLED's event taxonomy (6 event types, 25 sub-event types) and actor ``inter`` codes.

The names are ACLED's own, spelled exactly as in ACLED exports, so analysts' tools work on
sitrep's output unchanged. A report that describes no event (commentary, analysis, ads,
greetings, schedules, questions) has no candidates; :data:`NOT_AN_EVENT` names that outcome
where a label is needed (evaluation).

ACLED has no "Displacement" sub-event type: displacement is coded under
``Strategic developments`` / ``Other`` as ACLED does.
"""

from __future__ import annotations

from typing import Final

BATTLES: Final = "Battles"
EXPLOSIONS: Final = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS: Final = "Violence against civilians"
PROTESTS: Final = "Protests"
RIOTS: Final = "Riots"
STRATEGIC_DEVELOPMENTS: Final = "Strategic developments"

NOT_AN_EVENT: Final = "Not an event"

# Battles
ARMED_CLASH: Final = "Armed clash"
GOVERNMENT_REGAINS_TERRITORY: Final = "Government regains territory"
NON_STATE_OVERTAKES_TERRITORY: Final = "Non-state actor overtakes territory"
# Explosions/Remote violence
CHEMICAL_WEAPON: Final = "Chemical weapon"
AIR_DRONE_STRIKE: Final = "Air/drone strike"
SUICIDE_BOMB: Final = "Suicide bomb"
SHELLING: Final = "Shelling/artillery/missile attack"
REMOTE_EXPLOSIVE: Final = "Remote explosive/landmine/IED"
GRENADE: Final = "Grenade"
# Violence against civilians
SEXUAL_VIOLENCE: Final = "Sexual violence"
ATTACK: Final = "Attack"
ABDUCTION: Final = "Abduction/forced disappearance"
# Protests
PEACEFUL_PROTEST: Final = "Peaceful protest"
PROTEST_WITH_INTERVENTION: Final = "Protest with intervention"
EXCESSIVE_FORCE: Final = "Excessive force against protesters"
# Riots
VIOLENT_DEMONSTRATION: Final = "Violent demonstration"
MOB_VIOLENCE: Final = "Mob violence"
# Strategic developments
AGREEMENT: Final = "Agreement"
ARRESTS: Final = "Arrests"
CHANGE_TO_GROUP: Final = "Change to group/activity"
DISRUPTED_WEAPONS_USE: Final = "Disrupted weapons use"
BASE_ESTABLISHED: Final = "Headquarters or base established"
LOOTING: Final = "Looting/property destruction"
NON_VIOLENT_TRANSFER: Final = "Non-violent transfer of territory"
OTHER: Final = "Other"

SUB_EVENT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    BATTLES: (ARMED_CLASH, GOVERNMENT_REGAINS_TERRITORY, NON_STATE_OVERTAKES_TERRITORY),
    EXPLOSIONS: (
        CHEMICAL_WEAPON,
        AIR_DRONE_STRIKE,
        SUICIDE_BOMB,
        SHELLING,
        REMOTE_EXPLOSIVE,
        GRENADE,
    ),
    VIOLENCE_AGAINST_CIVILIANS: (SEXUAL_VIOLENCE, ATTACK, ABDUCTION),
    PROTESTS: (PEACEFUL_PROTEST, PROTEST_WITH_INTERVENTION, EXCESSIVE_FORCE),
    RIOTS: (VIOLENT_DEMONSTRATION, MOB_VIOLENCE),
    STRATEGIC_DEVELOPMENTS: (
        AGREEMENT,
        ARRESTS,
        CHANGE_TO_GROUP,
        DISRUPTED_WEAPONS_USE,
        BASE_ESTABLISHED,
        LOOTING,
        NON_VIOLENT_TRANSFER,
        OTHER,
    ),
}
"""Event type -> its sub-event types, in ACLED's order."""

EVENT_TYPES: Final = tuple(SUB_EVENT_TYPES)
"""The six ACLED event types."""

EVENT_TYPE_OF: Final[dict[str, str]] = {
    sub: event_type for event_type, subs in SUB_EVENT_TYPES.items() for sub in subs
}
"""Sub-event type -> its event type (sub-event names are unique across types)."""

# ACLED ``inter`` codes
STATE_FORCES: Final = 1
REBEL_GROUP: Final = 2
POLITICAL_MILITIA: Final = 3
IDENTITY_MILITIA: Final = 4
RIOTERS: Final = 5
PROTESTERS: Final = 6
CIVILIANS: Final = 7
EXTERNAL_OTHER_FORCES: Final = 8

INTER_NAMES: Final[dict[int, str]] = {
    STATE_FORCES: "State forces",
    REBEL_GROUP: "Rebel group",
    POLITICAL_MILITIA: "Political militia",
    IDENTITY_MILITIA: "Identity militia",
    RIOTERS: "Rioters",
    PROTESTERS: "Protesters",
    CIVILIANS: "Civilians",
    EXTERNAL_OTHER_FORCES: "External/Other forces",
}

# ACLED precision codes
GEO_EXACT: Final = 1
GEO_NEAR: Final = 2
GEO_PROVINCE: Final = 3
TIME_DAY: Final = 1
TIME_WEEK: Final = 2
TIME_MONTH: Final = 3


def is_valid(event_type: str, sub_event_type: str) -> bool:
    """True when ``sub_event_type`` is one of ACLED's sub-event types of ``event_type``."""
    return EVENT_TYPE_OF.get(sub_event_type) == event_type
