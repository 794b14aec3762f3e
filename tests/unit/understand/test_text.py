from __future__ import annotations

from sitrep.understand.gazetteer import load_transliteration
from sitrep.understand.text import clean_text, fold, fold_phrase, sentences, tokens


def test_clean_text_removes_invisible_controls_and_tidies_spaces_but_keeps_arabic_marks() -> None:
    raw = "\u200fقصفٌ\u200b  على\tحلب\n\n\n\nBEIRUT  \u00ad(Reuters)"
    assert clean_text(raw) == "قصفٌ على حلب\n\nBEIRUT (Reuters)"


def test_arabic_folding_unifies_hamza_alef_ta_marbuta_alef_maqsura_and_drops_diacritics() -> None:
    assert fold("إدلب") == fold("ادلب")
    assert fold("حماة") == fold("حماه")
    assert fold("مستشفى") == fold("مستشفي")
    assert fold("قَصْفٌ") == fold("قصف")
    assert fold("قـــصف") == fold("قصف")


def test_arabic_indic_and_persian_digits_fold_to_ascii() -> None:
    assert fold("١٢") == "12"
    assert fold("۱۲") == "12"


def test_latin_transliteration_variants_fold_to_one_key() -> None:
    load_transliteration()  # the variants the dictionaries register as they load
    assert fold_phrase("Tell Rifaat") == fold_phrase("Tal Rif'at") == fold_phrase("Tall Rifat")
    assert fold_phrase("Deir ez-Zor") == fold_phrase("Dayr az-Zor")
    assert fold_phrase("Maaret al-Nouman") == fold_phrase("Ma'arrat al-Nu'man")


def test_tokens_keep_the_article_hyphen_numbers_and_inner_apostrophes() -> None:
    assert tokens("Rebels took al-Bab and Dar'a, killing 1,200.") == [
        "Rebels", "took", "al-", "Bab", "and", "Dar'a", "killing", "1200",
    ]  # fmt: skip


def test_sentences_split_after_end_marks_and_lines_but_not_inside_abbreviations() -> None:
    text = "U.S. forces struck Hajin. Three were killed!\nاشتباكات في حماة؟ نعم"
    assert sentences(text) == [
        "U.S. forces struck Hajin.",
        "Three were killed!",
        "اشتباكات في حماة؟",
        "نعم",
    ]
