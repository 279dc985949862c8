"""Furigana for the kiosk: readings only on kanji, okurigana left bare, no character lost."""

from __future__ import annotations

import re

import pytest

from channels.furigana import FuriganaAnnotator, RubyPart, annotator_for, split_word
from repo_paths import LEXICON_FILE

LEXICON = LEXICON_FILE
HIRAGANA = re.compile(r"^[ぁ-ゖー]+$")
KANA = re.compile(r"[ぁ-ゖァ-ヺー]")


@pytest.fixture(scope="module")
def annotator() -> FuriganaAnnotator:
    return annotator_for(LEXICON)


def joined(parts: list[RubyPart]) -> str:
    return "".join(p.text for p in parts)


def test_domain_term_gets_its_reading(annotator: FuriganaAnnotator) -> None:
    parts = annotator.annotate("住民票")
    assert parts == [RubyPart("住民票", "じゅうみんひょう")]


def test_okurigana_stay_without_ruby(annotator: FuriganaAnnotator) -> None:
    parts = annotator.annotate("申し込む")
    assert parts == [
        RubyPart("申", "もう"),
        RubyPart("し"),
        RubyPart("込", "こ"),
        RubyPart("む"),
    ]


def test_ruby_only_over_kanji_in_a_sentence(annotator: FuriganaAnnotator) -> None:
    text = "住民票の写しは、市民課の窓口で申し込むことができます。"
    parts = annotator.annotate(text)
    assert joined(parts) == text
    with_reading = [p for p in parts if p.reading]
    assert {p.text for p in with_reading} >= {"住民票", "写", "窓口", "申", "込"}
    for part in with_reading:
        assert not KANA.search(part.text), part
        assert HIRAGANA.match(part.reading), part


@pytest.mark.parametrize(
    "text",
    ["ひらがなだけです。", "マイナンバーカード", "ABC 123", "", "   ", "？！"],
)
def test_text_without_kanji_is_unchanged(annotator: FuriganaAnnotator, text: str) -> None:
    parts = annotator.annotate(text)
    assert joined(parts) == text
    assert all(p.reading is None for p in parts)
    assert len(parts) <= 1


@pytest.mark.parametrize(
    "text",
    [
        "住民票は、本庁舎１階の市民課で取れます。\n土日は休みです。",
        "ｼﾞｭｳﾐﾝﾋｮｳ と 住民票\tと\u3000住民票",
        "3月1日から10日まで、午前8時30分～午後5時です。",
        "マイナ保険証・一時停止・転入届け・住民ひょう",
        "😀 絵文字と 👨‍👩‍👧 家族、e\u0301 と ｶﾞ",
        "制御\x00文字\u200bと\u202e逆向き",
        "霞ヶ関の人々、〆切は々",
    ],
)
def test_concatenation_gives_the_original_exactly(annotator: FuriganaAnnotator, text: str) -> None:
    assert joined(annotator.annotate(text)) == text


def test_markup_stays_plain_text(annotator: FuriganaAnnotator) -> None:
    text = "<script>alert('住所')</script><img src=x onerror=alert(1)>"
    parts = annotator.annotate(text)
    assert joined(parts) == text
    assert parts[0] == RubyPart("<script>alert('")
    assert RubyPart("住所", "じゅうしょ") in parts
    for part in parts:
        if "<" in part.text or ">" in part.text:
            assert part.reading is None


def test_lexicon_variants_keep_their_own_reading(annotator: FuriganaAnnotator) -> None:
    # The lexicon maps 一時停止 to 一時利用停止 for search; furigana must not say りよう.
    parts = annotator.annotate("一時停止")
    assert joined(parts) == "一時停止"
    assert "".join(p.reading or "" for p in parts) == "いちじていし"


def test_counters_after_numbers_get_no_reading(annotator: FuriganaAnnotator) -> None:
    # unidic reads 1日 as か; no reading is better than a wrong one.
    parts = annotator.annotate("4月1日")
    assert all(p.reading is None for p in parts)


def test_works_without_a_lexicon() -> None:
    parts = FuriganaAnnotator().annotate("窓口で申し込む")
    assert joined(parts) == "窓口で申し込む"
    assert RubyPart("窓口", "まどぐち") in parts


@pytest.mark.parametrize(
    ("text", "reading", "expected"),
    [
        ("取り扱い", "とりあつかい", ["と", None, "あつか", None]),
        ("申し込む", "もうしこむ", ["もう", None, "こ", None]),
        ("お問い合わせ", "おといあわせ", [None, "と", None, "あ", None]),
        ("マイナ保険証", "まいなほけんしょう", [None, "ほけんしょう"]),
        ("霞ヶ関", "かすみがせき", ["かすみがせき"]),
    ],
)
def test_split_word(text: str, reading: str, expected: list[str | None]) -> None:
    parts = split_word(text, reading)
    assert joined(parts) == text
    assert [p.reading for p in parts] == expected


def test_split_word_falls_back_to_the_whole_word_when_ambiguous() -> None:
    # (.+?)の(.+?) divides きのきのき two ways: no guessing.
    assert split_word("木の木", "きのきのき") == [RubyPart("木の木", "きのきのき")]


def test_split_word_falls_back_when_kana_do_not_match_the_reading() -> None:
    assert split_word("申し込む", "もうこむ") == [RubyPart("申し込む", "もうこむ")]


def test_split_word_without_reading_or_kanji() -> None:
    assert split_word("漢字", None) == [RubyPart("漢字")]
    assert split_word("かな", "かな") == [RubyPart("かな")]
