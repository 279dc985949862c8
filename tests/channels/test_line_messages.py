from __future__ import annotations

from channels.line_messages import to_line_messages
from core.schemas import AnswerSource, Button, ChatMessage

LABELS = {"source": "出典", "details": "詳しく"}


def as_dicts(messages) -> list[dict]:
    return [m.to_dict() for m in messages]


def test_answer_with_steps_and_source_becomes_a_flex_bubble() -> None:
    message = ChatMessage(
        text="まず一時利用停止をしてください。",
        steps=["フリーダイヤルに電話", "警察に届け出"],
        sources=[
            AnswerSource(
                title="マイナンバーカード総合サイト",
                date="2026-11-01",
                url="https://www.kojinbango-card.go.jp/",
            )
        ],
    )

    [flex] = as_dicts(to_line_messages([message], LABELS))

    assert flex["type"] == "flex"
    assert flex["altText"] == "まず一時利用停止をしてください。"
    texts = [c["text"] for c in flex["contents"]["body"]["contents"] if c["type"] == "text"]
    assert "1. フリーダイヤルに電話" in texts
    assert "出典: マイナンバーカード総合サイト（2026-11-01）" in texts
    assert (
        flex["contents"]["footer"]["contents"][0]["action"]["uri"]
        == "https://www.kojinbango-card.go.jp/"
    )


def test_limits_five_messages_5000_chars_13_quick_replies_20_char_labels() -> None:
    buttons = [
        Button(title=f"とても長いボタンのラベルです番号{n:02d}番", payload=f"p{n}")
        for n in range(20)
    ]
    messages = [ChatMessage(text="あ" * 6000)] + [ChatMessage(text=f"m{n}") for n in range(7)]
    messages[-1].buttons = buttons

    result = as_dicts(to_line_messages(messages, LABELS))

    assert len(result) == 5
    assert len(result[0]["text"]) == 5000
    items = result[-1]["quickReply"]["items"]
    assert len(items) == 13
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    assert items[0]["action"]["data"] == "p0"
    assert "m6" in result[-1]["text"]  # the overflow is merged, not dropped


def test_non_web_links_get_no_button() -> None:
    message = ChatMessage(text="t", sources=[AnswerSource(title="s", url="javascript:alert(1)")])

    [flex] = as_dicts(to_line_messages([message], LABELS))

    assert "footer" not in flex["contents"]
