"""The municipality configuration: offices, phones, hours, and the placeholders that use them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_.]+)\s*\}\}")
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class UnknownPlaceholderError(KeyError):
    """A {{placeholder}} in a knowledge text names nothing in municipality.yml."""


class UnknownContactError(KeyError):
    """An office or national service key that municipality.yml does not define."""


@dataclass(frozen=True)
class Contact:
    """An office or national service residents can be sent to."""

    key: str
    name: str
    phone: str | None
    hours_text: str | None
    place: str | None
    url: str | None
    sample: bool
    hours: dict[str, list[str] | None] | None
    closed_dates: tuple[str, ...]

    def is_open(self, now: datetime) -> bool | None:
        """Whether the office is open at `now` (local time); None when hours are unknown."""
        if not self.hours:
            return None
        if self._closed_on(now.date()):
            return False
        span = self.hours.get(WEEKDAY_KEYS[now.weekday()])
        if not span:
            return False
        current = now.strftime("%H:%M")
        return span[0] <= current < span[1]

    def _closed_on(self, day: date) -> bool:
        stamp = day.strftime("%m-%d")
        for rule in self.closed_dates:
            if ".." in rule:
                first, last = rule.split("..")
                wraps = first > last
                inside = (stamp >= first or stamp <= last) if wraps else first <= stamp <= last
                if inside:
                    return True
            elif rule in (stamp, day.isoformat()):
                return True
        return False


class Municipality:
    """Read-only view of knowledge/municipality.yml."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.timezone = ZoneInfo(data.get("municipality", {}).get("timezone", "Asia/Tokyo"))

    @classmethod
    def load(cls, path: Path) -> Municipality:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    @property
    def name(self) -> str:
        return str(self.data["municipality"]["name"])

    def now(self) -> datetime:
        return datetime.now(self.timezone)

    def contact(self, key: str) -> Contact:
        """`key` is `offices.<name>`, `national.<name>` or a bare office name."""
        group, _, name = key.partition(".") if "." in key else ("offices", "", key)
        entry = self.data.get(group, {}).get(name)
        if not isinstance(entry, dict):
            raise UnknownContactError(key)
        sample = bool(entry.get("sample", False))
        return Contact(
            key=f"{group}.{name}",
            name=str(entry["name"]),
            phone=self._display(entry.get("phone"), sample),
            hours_text=entry.get("hours_text"),
            place=entry.get("place"),
            url=entry.get("url"),
            sample=sample,
            hours=entry.get("hours"),
            closed_dates=tuple(entry.get("closed_dates", [])),
        )

    @property
    def fallback_contact(self) -> Contact:
        return self.contact(str(self.data.get("fallback_contact", "general")))

    @property
    def english_contact(self) -> Contact:
        """Where residents get help in English; the general contact when none is set."""
        key = self.data.get("english_contact")
        return self.contact(str(key)) if key else self.fallback_contact

    def contact_keys(self) -> set[str]:
        return {
            f"{group}.{name}"
            for group in ("offices", "national")
            for name in self.data.get(group, {})
        }

    def resolve(self, path: str) -> str:
        """Value of a dotted placeholder path, e.g. offices.citizen.phone."""
        node: Any = self.data
        parts = path.split(".")
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                raise UnknownPlaceholderError(path)
            node = node[part]
        if isinstance(node, (dict, list)) or node is None:
            raise UnknownPlaceholderError(path)
        sample = self._is_sample(parts)
        return self._display(str(node), sample) if parts[-1] == "phone" else str(node)

    def render(self, text: str) -> str:
        """Replaces every {{path}} placeholder; raises UnknownPlaceholderError on a bad one."""
        return PLACEHOLDER.sub(lambda m: self.resolve(m.group(1)), text)

    def unresolved_placeholders(self, text: str) -> list[str]:
        bad = []
        for match in PLACEHOLDER.finditer(text):
            try:
                self.resolve(match.group(1))
            except UnknownPlaceholderError:
                bad.append(match.group(1))
        return bad

    def _is_sample(self, parts: list[str]) -> bool:
        node: Any = self.data
        sample = False
        for part in parts[:-1]:
            node = node.get(part, {}) if isinstance(node, dict) else {}
            if isinstance(node, dict) and "sample" in node:
                sample = bool(node["sample"])
        return sample

    @property
    def sample_mark(self) -> str:
        return str(self.data.get("sample_mark", ""))

    def _display(self, phone: Any, sample: bool) -> str | None:
        """Sample phone numbers carry a visible marker so nobody dials a placeholder."""
        if phone is None:
            return None
        return f"{phone}{self.sample_mark}" if sample else str(phone)
