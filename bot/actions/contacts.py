"""Offices the actions name, and the template values that describe one."""

from __future__ import annotations

from knowledge.municipality import Contact

CARD_OFFICE = "offices.mynumber"
CARD_SITE = "national.card_site"


def contact_values(contact: Contact) -> dict[str, str]:
    return {
        "contact_name": contact.name,
        "contact_phone": contact.phone or "",
        "contact_hours": contact.hours_text or "",
        "contact_place": contact.place or "",
    }
