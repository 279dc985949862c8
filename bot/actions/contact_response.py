"""Template values that describe an office, for responses such as utter_cannot_answer."""

from __future__ import annotations

from knowledge.municipality import Contact


def contact_values(contact: Contact) -> dict[str, str]:
    return {
        "contact_name": contact.name,
        "contact_phone": contact.phone or "",
        "contact_hours": contact.hours_text or "",
        "contact_place": contact.place or "",
    }
