from __future__ import annotations

import pytest

from core.personal_data import MY_NUMBER, NUMBER, PHONE, PIN, PersonalDataMasker, is_valid_my_number


@pytest.mark.parametrize(
    "number, valid",
    [("123456789018", True), ("123456789012", False), ("12345678901", False), ("abc", False)],
)
def test_my_number_check_digit(number: str, valid: bool) -> None:
    assert is_valid_my_number(number) is valid


@pytest.mark.parametrize(
    "text, masked, kinds",
    [
        ("私のマイナンバーは123456789018です", "私のマイナンバーは[個人番号]です", {MY_NUMBER}),
        ("１２３４ ５６７８ ９０１８", "[個人番号]", {MY_NUMBER}),
        ("1234-5678-9018 です", "[個人番号] です", {MY_NUMBER}),
        ("番号は123456789012", "番号は[番号]", {NUMBER}),
        ("電話は090-1234-5678です", "電話は[電話番号]です", {PHONE}),
        ("０３（１２３４）５６７８に電話して", "[電話番号]に電話して", {PHONE}),
        ("暗証番号は1234です", "暗証番号は[暗証番号]です", {PIN}),
        ("パスワード abcd1234", "パスワード [暗証番号]", {PIN}),
        ("口座番号 1234567", "口座番号 [番号]", {NUMBER}),
    ],
)
def test_masks_personal_data(text: str, masked: str, kinds: set[str]) -> None:
    result = PersonalDataMasker().mask(text)

    assert result.text == masked
    assert result.kinds == kinds


@pytest.mark.parametrize(
    "text",
    ["2026年11月24日に転入しました", "住民票は300円ですか", "こんにちは", "児童手当は15日以内"],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    result = PersonalDataMasker().mask(text)

    assert result.text == text
    assert not result.had_personal_data
