"""The My Number card application form: how the resident applies, whether they have the
application form with its QR code, then steps tailored to both."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.contacts import CARD_OFFICE, CARD_SITE, contact_values
from bot.actions.entity_values import resolve
from bot.actions.runtime_action import RuntimeAction
from knowledge.municipality import Municipality

METHODS = {"smartphone", "pc", "photo_booth", "mail", "counter"}
ONLINE_METHODS = {"smartphone", "pc", "photo_booth"}


def _card_office_values(municipality: Municipality) -> dict[str, str]:
    return contact_values(municipality.contact(CARD_OFFICE))


def _card_site_source(municipality: Municipality) -> dict[str, Any]:
    site = municipality.contact(CARD_SITE)
    return {"sources": [{"title": site.name, "date": None, "url": site.url}], "link": site.url}


class ValidateCardApplicationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_card_application_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # At the counter, staff take care of the application form: no need to ask.
        if tracker.get_slot("apply_method") == "counter":
            return [s for s in domain_slots if s != "has_qr_form"]
        return domain_slots

    def validate_apply_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"apply_method": resolve(value, METHODS)}


class ActionAskHasQrForm(RuntimeAction):
    """Shows the steps for the chosen method at once, then asks about the QR code."""

    def name(self) -> str:
        return "action_ask_has_qr_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        method = tracker.get_slot("apply_method")
        municipality = self.runtime.municipality
        if method in METHODS:
            dispatcher.utter_message(
                response=f"utter_apply_steps_{method}",
                json_message=_card_site_source(municipality),
                **_card_office_values(municipality),
            )
        dispatcher.utter_message(response="utter_ask_has_qr_form")
        return []


class ActionCardApplicationSteps(RuntimeAction):
    def name(self) -> str:
        return "action_card_application_steps"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        method = tracker.get_slot("apply_method")
        municipality = self.runtime.municipality
        values = _card_office_values(municipality)
        if method == "counter":
            dispatcher.utter_message(response="utter_apply_steps_counter", **values)
        elif tracker.get_slot("has_qr_form"):
            dispatcher.utter_message(response="utter_apply_with_qr", **values)
        elif method in ONLINE_METHODS:
            dispatcher.utter_message(response="utter_apply_without_qr_online", **values)
        else:
            dispatcher.utter_message(
                response="utter_apply_without_qr_mail",
                json_message=_card_site_source(municipality),
                **values,
            )
        dispatcher.utter_message(response="utter_apply_next")
        return [
            SlotSet("apply_method", None),
            SlotSet("has_qr_form", None),
            SlotSet("topic", "card_apply"),
        ]
