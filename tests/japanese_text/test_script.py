"""English is noticed in what residents write, not in abbreviations or markup."""

from __future__ import annotations

import pytest

from japanese_text.script import is_english


@pytest.mark.parametrize(
    "text",
    [
        "How do I apply for a My Number card?",
        "where can i get juminhyo",
        "kaji desu tasukete",
        "Ｍｙ Ｎｕｍｂｅｒ card lost",  # full-width letters are still English
    ],
)
def test_english_questions_are_noticed(text: str) -> None:
    assert is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "マイナンバーカードのPINを忘れた",
        "DXって何",
        "<script>alert(1)</script>",
        "<b>住民票</b>",
        "12345",
        "",
    ],
)
def test_japanese_abbreviations_and_markup_are_not_english(text: str) -> None:
    assert not is_english(text)
