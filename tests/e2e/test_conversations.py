"""Conversations through /api/chat against the real stack, each in a fresh session."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import RunningStack
from tests.support.chat_client import Conversation

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def all_text(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def test_fire_gets_119_first(stack: RunningStack) -> None:
    messages = Conversation(stack.app_url).say("家が火事です")

    assert "119" in messages[0]["text"]


def test_crime_gets_110(stack: RunningStack) -> None:
    messages = Conversation(stack.app_url).say("泥棒が家に入ってきた")

    assert "110" in messages[0]["text"]


def test_my_number_is_warned_about_and_kept_nowhere(stack: RunningStack) -> None:
    session = Conversation(stack.app_url)
    number = "123456789018"

    messages = session.say(f"私のマイナンバーは{number}です")

    text = all_text(messages)
    assert "個人情報" in text and "送らないで" in text
    assert number not in text
    assert number not in stack.log()
    with sqlite3.connect(stack.var_dir / "rasa_tracker.sqlite3") as db:
        rows = db.execute("SELECT * FROM events").fetchall()
    assert rows, "the tracker store should hold the conversation"
    assert all(number not in repr(row) for row in rows)
    for path in stack.var_dir.rglob("*"):
        if path.is_file():
            assert number.encode() not in path.read_bytes(), path


def test_card_application_by_smartphone(stack: RunningStack) -> None:
    session = Conversation(stack.app_url)

    first = session.say("マイナンバーカードを申請したい")
    second = session.say("スマホで")

    assert "どの方法で申請" in all_text(first)
    assert "スマートフォンでの申請手順" in all_text(second)
    assert "QRコード" in all_text(second)


def test_card_application_form_gives_tailored_steps_after_the_qr_question(
    stack: RunningStack,
) -> None:
    session = Conversation(stack.app_url)
    session.say("マイナンバーカードを作りたい")
    session.say("郵送で")

    final = session.say("いいえ")

    assert "手書き用の交付申請書" in all_text(final)


def test_child_allowance_then_moving_keeps_the_topic(stack: RunningStack) -> None:
    session = Conversation(stack.app_url)

    first = session.say("児童手当について")
    second = session.say("引っ越した場合は？")

    assert "児童手当" in all_text(first)
    answer = second[0]
    assert "児童手当" in answer["text"] or "手当" in answer["text"]
    assert any(word in answer["text"] for word in ("引っ越", "転出", "転入", "住所"))
    assert answer["sources"], "a knowledge answer names its source"


def test_weather_is_out_of_scope_with_the_contact(stack: RunningStack) -> None:
    messages = Conversation(stack.app_url).say("明日の天気は？")

    text = all_text(messages)
    assert "お答えできません" in text
    assert "電話" in text
    assert not any(m["sources"] for m in messages), "never an unrelated FAQ"


def test_lost_card_says_suspend_first_around_the_clock(stack: RunningStack) -> None:
    resident = Conversation(stack.app_url)
    messages = resident.say("マイナンバーカードをなくしてしまいました")

    text = all_text(messages)
    assert "停止" in text
    assert "24時間" in text
    assert messages[0]["sources"]
    # the follow-up the lost-card answer offers: found it again (payloads are signed tokens)
    found = next(b for m in messages for b in m["buttons"] if b["title"] == "カードが見つかった")
    after = resident.say(found["payload"])
    assert any(m.get("answer_id") == "mynumber-card-found" for m in after)


def test_request_for_a_person_names_the_office_and_whether_it_is_open(stack: RunningStack) -> None:
    session = Conversation(stack.app_url)
    session.say("マイナンバーカードをなくしました")

    messages = session.say("担当の人と話したい")

    text = all_text(messages)
    assert "マイナンバーカード窓口" in text
    assert "受付時間" in text


@pytest.mark.parametrize(
    "question, expected_words",
    [
        ("コンビニで住民票をとるには何が必要？", ("コンビニ",)),
        ("計画期間はいつからいつまでですか", ("計画",)),
        ("マイナポイントはまだもらえますか", ("終了",)),
    ],
)
def test_knowledge_questions_get_a_sourced_answer(
    stack: RunningStack, question: str, expected_words: tuple[str, ...]
) -> None:
    messages = Conversation(stack.app_url).say(question)

    answer = messages[0]
    assert any(word in answer["text"] for word in expected_words), answer["text"]
    assert answer["sources"] and answer["sources"][0]["title"]
    assert answer["sources"][0]["date"]


@pytest.mark.parametrize("nonsense", ["ぴよぴよもげもげ", "asdfghjkl qwerty", "宇宙人の倒し方"])
def test_nonsense_gets_the_abstention_reply(stack: RunningStack, nonsense: str) -> None:
    messages = Conversation(stack.app_url).say(nonsense)

    assert "お答えできません" in all_text(messages)
    assert not any(m["sources"] for m in messages)
