"""The emergency lexicon: explicit words, phrases that mean something else, and context.

The corpus-wide figures (no false alarm over the FAQ, numbers and the held-out NLU file;
every emergency of two independently written sets) are held here for the lexicon, and again
through the running stack in tests/e2e/test_understanding.py.
"""

from __future__ import annotations

import re

import pytest
import yaml

from core.emergency import (
    AMBULANCE,
    EMERGENCY,
    FIRE,
    MENTION,
    NONE,
    POLICE,
    POSSIBLE,
    UNKNOWN,
    EmergencyLexicon,
)
from knowledge.loader import load_knowledge
from repo_paths import EMERGENCY_LEXICON_FILE, KNOWLEDGE_DIR, REPO_ROOT
from tests.support.number_messages import number_messages

EMERGENCY_SETS = ("understanding", "understanding_b", "understanding_c")
ENGLISH_SETS = ("understanding", "understanding_b")
HELDOUT = REPO_ROOT / "bot" / "tests" / "nlu" / "heldout.yml"


@pytest.fixture(scope="module")
def lexicon() -> EmergencyLexicon:
    return EmergencyLexicon.load(EMERGENCY_LEXICON_FILE)


def data(name: str, file: str, key: str) -> list[dict]:
    return yaml.safe_load((REPO_ROOT / "tests" / "data" / name / file).read_text(encoding="utf-8"))[
        key
    ]


def heldout_utterances() -> list[tuple[str, str]]:
    items = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["nlu"]
    rows = []
    for item in items:
        for line in str(item.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            text = re.sub(r"\[([^\]]+)\](\([^)]+\)|\{[^}]+\})", r"\1", text)
            if text and "intent" in item:
                rows.append((item["intent"], text))
    return rows


@pytest.mark.parametrize(
    "text, verdict, kind",
    [
        ("家が火事です", EMERGENCY, FIRE),
        ("ｶｼﾞﾃﾞｽ", EMERGENCY, FIRE),
        ("かじ", EMERGENCY, FIRE),
        ("父が倒れて意識がない", EMERGENCY, AMBULANCE),
        ("泥棒が入ってきた！", EMERGENCY, POLICE),
        ("強盗に刺された人がいる", EMERGENCY, UNKNOWN),
        ("There is a fire in my kitchen", EMERGENCY, FIRE),
        ("my husband collapsed and is not breathing", EMERGENCY, AMBULANCE),
        ("先週火事にあったので罹災証明書がほしい", MENTION, FIRE),
        ("先月空き巣に入られて保険の書類がいる", MENTION, POLICE),
        ("火事のときの避難所はどこですか", MENTION, FIRE),
        ("救急箱はどこで買えますか", NONE, None),
        ("燃えるごみの日はいつ", NONE, None),
        ("火曜日に住民票を取りに行きたい", NONE, None),
        ("110円切手は窓口で買えますか", NONE, None),
        ("7", NONE, None),
        ("action=buyItem&itemId=123123&color=red", NONE, None),
        ("たすけて", MENTION, UNKNOWN),
        ("庭で落ち葉を焼くと隣から煙の苦情が来ます", NONE, None),
        ("締め切り前で修羅場です、だれか助けて〜", MENTION, UNKNOWN),
        ("子どもがいなくなった", EMERGENCY, POLICE),
        ("隣の家から変なにおいがする", POSSIBLE, FIRE),
    ],
)
def test_verdicts_follow_words_and_context(
    lexicon: EmergencyLexicon, text: str, verdict: str, kind: str | None
) -> None:
    check = lexicon.check(text)

    assert (check.verdict, check.kind) == (verdict, kind), check


def test_urgency_keeps_a_question_an_emergency(lexicon: EmergencyLexicon) -> None:
    assert lexicon.check("火事のとき").verdict == MENTION
    assert lexicon.check("今火事です、どこに電話すれば").verdict == EMERGENCY


def test_the_reason_explains_the_verdict(lexicon: EmergencyLexicon) -> None:
    assert lexicon.check("先週火事があった").reason == "past"
    assert lexicon.check("火事で罹災証明書を申請したい").reason == "procedure"
    assert lexicon.check("火事です").words == ("火事",)


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown emergency kinds"):
        EmergencyLexicon.from_data({"kinds": {"flood": {"words": ["洪水"]}}})


def test_no_faq_question_or_alternate_raises_the_alarm(lexicon: EmergencyLexicon) -> None:
    texts = [
        t
        for f in load_knowledge(KNOWLEDGE_DIR).faqs
        for t in (f.entry.question, *f.entry.alternates)
    ]
    alarms = [t for t in texts if lexicon.check(t).agrees_with_emergency_intent]

    assert len(texts) > 1500
    assert alarms == []


def test_no_number_message_raises_the_alarm(lexicon: EmergencyLexicon) -> None:
    messages = number_messages()
    alarms = [m for m in messages if lexicon.check(m).verdict != NONE]

    assert len(messages) >= 500
    assert alarms == []


def test_no_heldout_utterance_but_the_emergencies_raises_the_alarm(
    lexicon: EmergencyLexicon,
) -> None:
    rows = heldout_utterances()
    alarms = [
        t
        for intent, t in rows
        if intent != "emergency" and lexicon.check(t).agrees_with_emergency_intent
    ]
    missed = [
        t
        for intent, t in rows
        if intent == "emergency" and not lexicon.check(t).agrees_with_emergency_intent
    ]

    assert alarms == []
    assert missed == []


@pytest.mark.parametrize("name", EMERGENCY_SETS)
def test_every_written_emergency_is_recognised(lexicon: EmergencyLexicon, name: str) -> None:
    emergencies = data(name, "emergencies.yml", "emergencies")
    missed = [
        e["text"] for e in emergencies if not lexicon.check(e["text"]).agrees_with_emergency_intent
    ]

    assert len(emergencies) >= 80
    assert missed == []


@pytest.mark.parametrize("name", EMERGENCY_SETS)
def test_the_number_named_fits_the_emergency(lexicon: EmergencyLexicon, name: str) -> None:
    """119 for fire and illness, 110 for crime; both numbers are always acceptable."""
    wrong = []
    for e in data(name, "emergencies.yml", "emergencies"):
        kind = lexicon.check(e["text"]).kind
        number = {FIRE: "119", AMBULANCE: "119", POLICE: "110"}.get(kind)
        expected = {"fire": "119", "ambulance": "119", "police": "110"}[e["kind"]]
        if number not in (expected, None):
            wrong.append((e["text"], kind))
    assert wrong == []


@pytest.mark.parametrize("name", EMERGENCY_SETS)
def test_harmless_messages_with_emergency_words_get_no_alarm(
    lexicon: EmergencyLexicon, name: str
) -> None:
    messages = data(name, "not_emergencies.yml", "not_emergencies")
    alarms = [m["text"] for m in messages if lexicon.check(m["text"]).verdict == EMERGENCY]

    assert alarms == []
