"""action_procedure_guide: the procedure's answer for the aspect asked, and follow-ups that
keep the procedure (after 児童手当, 「引っ越した場合は？」 is about 児童手当)."""

from __future__ import annotations

from bot.actions.procedure_guide import ActionProcedureGuide
from core.runtime import RuntimeHolder
from tests.support.actions import entity, make_tracker, run_action


async def test_procedure_and_aspect_pick_the_entry(holder: RuntimeHolder) -> None:
    tracker = make_tracker(
        "児童手当の申請期限は？",
        "ask_procedure",
        entities=[entity("procedure", "児童手当"), entity("aspect", "期限")],
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-deadline"
    assert result.responses[-1] == "utter_procedure_next"
    assert result.slots() == {"procedure": "child_allowance", "topic": "child_allowance"}


async def test_a_follow_up_keeps_the_procedure_of_the_conversation(holder: RuntimeHolder) -> None:
    tracker = make_tracker(
        "引っ越した場合は？",
        "ask_procedure",
        entities=[entity("aspect", "引っ越した場合")],
        slots={"procedure": "child_allowance", "topic": "child_allowance"},
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-moving-out"
    assert result.slots()["procedure"] == "child_allowance"


async def test_moving_in_general_asks_which_move(holder: RuntimeHolder) -> None:
    tracker = make_tracker(
        "引っ越しの手続きを知りたい", "ask_procedure", entities=[entity("procedure", "引っ越し")]
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.responses == ["utter_ask_moving_kind"]
    assert result.events == []


async def test_a_question_without_a_procedure_is_answered_from_the_index(
    holder: RuntimeHolder,
) -> None:
    question = "よそから引っ越してきたけど転入の届けはいつまでに出すの"
    tracker = make_tracker(question, "ask_procedure")

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-residence-moving-in-deadline"


async def test_the_bots_procedure_button_gets_that_procedures_guide(holder: RuntimeHolder) -> None:
    """A topic button is the resident's choice: its procedure's how-to, whatever the index
    would rank first for the payload's text."""
    tracker = make_tracker(
        '/ask_procedure{"procedure": "child_allowance"}',
        "ask_procedure",
        entities=[entity("procedure", "child_allowance")],
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-apply"
    assert result.responses[-1] == "utter_procedure_next"
    assert result.slots() == {"procedure": "child_allowance", "topic": "child_allowance"}


async def test_the_moving_button_asks_which_move(holder: RuntimeHolder) -> None:
    tracker = make_tracker(
        '/ask_procedure{"procedure": "moving"}',
        "ask_procedure",
        entities=[entity("procedure", "moving")],
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.responses == ["utter_ask_moving_kind"]


async def test_a_sure_answer_within_the_procedure_wins_over_its_how_to(
    holder: RuntimeHolder,
) -> None:
    """No aspect was read for 「何日以内」, but the words point surely at the deadline entry."""
    tracker = make_tracker(
        "児童手当って生まれてから何日以内に出さないとだめなの",
        "ask_procedure",
        entities=[entity("procedure", "児童手当")],
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-deadline"
    assert result.responses[-1] == "utter_procedure_next"
    assert result.slots() == {"procedure": "child_allowance", "topic": "child_allowance"}


async def test_asking_how_to_apply_gets_the_how_to(holder: RuntimeHolder) -> None:
    tracker = make_tracker(
        "児童手当の申請方法を教えて", "ask_procedure", entities=[entity("procedure", "児童手当")]
    )

    result = await run_action(ActionProcedureGuide(holder), tracker)

    assert result.messages[0]["custom"]["document_id"] == "proc-child-allowance-apply"
    assert "児童手当" in result.messages[0]["text"]
