"""The card application form: the method's steps at once, the QR question, tailored steps."""

from __future__ import annotations

import pytest

from bot.actions.card_application import (
    ActionAskHasQrForm,
    ActionCardApplicationSteps,
    ValidateCardApplicationForm,
)
from core.runtime import RuntimeHolder
from tests.support.actions import domain, make_tracker, run_action


@pytest.mark.parametrize(
    "value, key",
    [
        ("スマホ", "smartphone"),
        ("ｽﾏﾎ", "smartphone"),
        ("郵送", "mail"),
        ("窓口", "counter"),
        ("宇宙", None),
    ],
)
def test_the_method_is_read_through_the_synonyms(value: str, key: str | None) -> None:
    form = ValidateCardApplicationForm()

    assert form.validate_apply_method(value, None, make_tracker(value), domain()) == {
        "apply_method": key
    }


async def test_at_the_counter_the_qr_question_is_not_asked() -> None:
    form = ValidateCardApplicationForm()
    tracker = make_tracker("窓口で", slots={"apply_method": "counter"})

    slots = await form.required_slots(["apply_method", "has_qr_form"], None, tracker, domain())

    assert slots == ["apply_method"]


async def test_the_chosen_methods_steps_come_before_the_qr_question(holder: RuntimeHolder) -> None:
    tracker = make_tracker("スマホで", slots={"apply_method": "smartphone"})

    result = await run_action(ActionAskHasQrForm(holder), tracker)

    assert result.responses == ["utter_apply_steps_smartphone", "utter_ask_has_qr_form"]
    site = holder.current.municipality.contact("national.card_site")
    assert result.messages[0]["custom"]["link"] == site.url


@pytest.mark.parametrize(
    "slots, response",
    [
        ({"apply_method": "counter"}, "utter_apply_steps_counter"),
        ({"apply_method": "smartphone", "has_qr_form": True}, "utter_apply_with_qr"),
        ({"apply_method": "pc", "has_qr_form": False}, "utter_apply_without_qr_online"),
        ({"apply_method": "mail", "has_qr_form": False}, "utter_apply_without_qr_mail"),
    ],
)
async def test_the_steps_fit_method_and_form(
    holder: RuntimeHolder, slots: dict, response: str
) -> None:
    result = await run_action(ActionCardApplicationSteps(holder), make_tracker("はい", slots=slots))

    assert result.responses == [response, "utter_apply_next"]
    office = holder.current.municipality.contact("offices.mynumber")
    assert result.messages[0]["contact_name"] == office.name
    assert result.slots() == {"apply_method": None, "has_qr_form": None, "topic": "card_apply"}
