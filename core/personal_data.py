"""Finds and masks personal data that residents must not send to a chatbot.

The government guideline for public bodies on LINE says no confidential or personal
information is handled there; the bot itself must never keep a My Number (individual
number), PIN or phone number in clear. Masking happens on the way in, before the text reaches
Rasa, a log line or a database, so that nothing downstream can leak it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.texts import text_table
from japanese_text import normalize_with_offsets

MY_NUMBER = "my_number"
PHONE = "phone"
PIN = "pin"
NUMBER = "number"
KINDS = (MY_NUMBER, PHONE, PIN, NUMBER)

_SEP = r"[\s\-‐‑–―−ー]?"
_TWELVE_DIGITS = re.compile(rf"(?<!\d)\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")
_PHONE = re.compile(
    r"(?<!\d)(?:\+81[\s\-]?|0)\d{1,4}[\s\-‐‑−ー()（）]{0,2}\d{1,4}[\s\-‐‑−ー()（）]{0,2}\d{3,4}(?!\d)"
)
_PIN = re.compile(
    r"(?:暗証番号|暗証|あんしょう(?:ばんごう)?|パスワード|ぱすわーど|pin|ピン)"
    r"[^0-9a-z]{0,8}?([0-9a-z]{4,16})(?![0-9a-z])",
    re.IGNORECASE,
)
_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(?!\d)")


def is_valid_my_number(digits: str) -> bool:
    """Checks the check digit of a 12-digit individual number (番号法施行令 第8条)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in digits[:11]]
    total = 0
    for n in range(1, 12):
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


@dataclass(frozen=True)
class MaskedText:
    text: str
    kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def had_personal_data(self) -> bool:
        return bool(self.kinds)


class PersonalDataMasker:
    """Replaces My Numbers, phone numbers, PINs and other long numbers with placeholders.

    Detection runs on the NFKC form (residents type full-width digits: １２３４…) and the
    replacement is applied to the original text through the offset map, so nothing of the
    number survives in either form. Every 12-digit number is masked, not only those with a
    valid check digit: a mistyped My Number is still a My Number.
    """

    def __init__(self) -> None:
        masks = text_table("masks")
        self._masks = {kind: masks[kind] for kind in KINDS}

    def mask(self, text: str) -> MaskedText:
        normalized = normalize_with_offsets(text)
        spans: list[tuple[int, int, str]] = []

        def add(start: int, end: int, kind: str) -> None:
            if any(s < end and start < e for s, e, _ in spans):
                return
            spans.append((start, end, kind))

        for match in _TWELVE_DIGITS.finditer(normalized.text):
            digits = re.sub(r"\D", "", match.group())
            add(match.start(), match.end(), MY_NUMBER if is_valid_my_number(digits) else NUMBER)
        for match in _PIN.finditer(normalized.text):
            add(match.start(1), match.end(1), PIN)
        for match in _PHONE.finditer(normalized.text):
            digit_count = sum(c.isdigit() for c in match.group())
            if 10 <= digit_count <= 12:
                add(match.start(), match.end(), PHONE)
        for match in _LONG_NUMBER.finditer(normalized.text):
            add(match.start(), match.end(), NUMBER)

        if not spans:
            return MaskedText(text)
        pieces: list[str] = []
        cursor = 0
        for start, end, kind in sorted(spans):
            original_start, original_end = normalized.original_span(start, end)
            pieces.append(text[cursor:original_start])
            pieces.append(self._masks[kind])
            cursor = original_end
        pieces.append(text[cursor:])
        return MaskedText("".join(pieces), frozenset(kind for _, _, kind in spans))
