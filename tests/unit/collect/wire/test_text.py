"""Clean text from markup; datelines and attributions of wire stories."""

from __future__ import annotations

import pytest

from sitrep.collect.wire.text import (
    clean_text,
    credit_of,
    find_attribution,
    find_dateline,
    html_to_text,
)


def test_html_becomes_paragraphs_of_plain_text() -> None:
    html = "<p>Shelling <b>east</b> of\n   Saraqib.</p><p>No casualties&nbsp;were reported.</p>"
    assert html_to_text(html) == "Shelling east of Saraqib.\n\nNo casualties were reported."


def test_scripts_styles_and_embeds_are_dropped() -> None:
    html = "<p>Text</p><script>track()</script><style>p{}</style><iframe src=x>frame</iframe>tail"
    assert html_to_text(html) == "Text\ntail"


def test_line_breaks_become_single_newlines() -> None:
    assert html_to_text("one<br>two<br/>three") == "one\ntwo\nthree"


def test_entities_in_text_without_tags_are_decoded() -> None:
    assert html_to_text("AT&amp;T &quot;quoted&quot;") == 'AT&T "quoted"'


def test_clean_text_drops_zero_width_characters_and_collapses_spaces() -> None:
    assert clean_text("قصف\u200b مدفعي  على\tإدلب\r\n") == "قصف مدفعي على إدلب"


@pytest.mark.parametrize(
    ("story", "dateline", "place", "credit"),
    [
        ("BEIRUT (Reuters) – Rebels said", "BEIRUT (Reuters)", "BEIRUT", "Reuters"),
        ("GROSSETO, Italy (AP) -- The trial", "GROSSETO, Italy (AP)", "GROSSETO, Italy", "AP"),
        (
            "DAMASCUS, Dec 6 (Reuters) - Army",
            "DAMASCUS, Dec 6 (Reuters)",
            "DAMASCUS, Dec 6",
            "Reuters",
        ),
        ("Damascus, SANA- Army units", "Damascus, SANA", "Damascus", "SANA"),
        ("بيروت (رويترز) - قتل ثلاثة", "بيروت (رويترز)", "بيروت", "رويترز"),
        ("دمشق-سانا\nاستهدفت وحدات", "دمشق-سانا", "دمشق", "سانا"),
        ("(New York, NY - October 21) Et", "New York, NY - October 21", "New York, NY", None),
    ],
)
def test_dateline_at_the_start_of_a_story_is_read(
    story: str, dateline: str, place: str, credit: str | None
) -> None:
    found = find_dateline(story)
    assert found is not None
    assert (found.text, found.place, found.credit) == (dateline, place, credit)


def test_credit_without_place_is_not_a_dateline() -> None:
    found = find_dateline("(Sports Network) - With the Phillies")
    assert found is not None
    assert (found.text, found.credit) == (None, "Sports Network")


def test_story_without_dateline_has_none() -> None:
    assert find_dateline("The army said on Friday that it had shelled Saraqib.") is None


def test_dateline_credit_is_read_from_a_dateline_element() -> None:
    assert credit_of("MOSCOW, Monday (Reuters)") == "Reuters"


@pytest.mark.parametrize(
    ("lead", "attribution"),
    [
        (
            "Artillery shelled Saraqib on Friday, state news agency SANA said, citing a source.",
            "state news agency SANA said",
        ),
        (
            "Two soldiers were killed, according to the Syrian Observatory for Human Rights.",
            "according to the Syrian Observatory for Human Rights",
        ),
        ("A landmine killed a shepherd, state media reported.", "state media reported"),
        (
            "The Syrian Observatory for Human Rights said 12 died.",
            "The Syrian Observatory for Human Rights said",
        ),
        ("ذكرت وكالة الأنباء السورية سانا أن جنديين أصيبا", "ذكرت وكالة الأنباء السورية سانا"),
        ("قتل ثلاثة مدنيين، بحسب المرصد السوري لحقوق الإنسان.", "بحسب المرصد السوري لحقوق الإنسان"),
    ],
)
def test_attribution_in_the_lead_is_found(lead: str, attribution: str) -> None:
    assert find_attribution(lead) == attribution


def test_pronoun_speakers_are_not_an_attribution() -> None:
    assert find_attribution("He said the road was closed.") is None


def test_earliest_attribution_wins() -> None:
    lead = "Shelling hit Saraqib, state media reported. Later the Syrian Observatory said more."
    assert find_attribution(lead) == "state media reported"
