"""The FAQ entry and plan document models (what staff write, validated)."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MIN_ALTERNATES = 4
MAX_ANSWER_CHARS = 600
MAX_STEP_CHARS = 40
MAX_STEPS = 5

PROCEDURES = {
    "moving_in",
    "moving_out",
    "moving_within",
    "residence_certificate",
    "seal_certificate",
    "family_register",
    "child_allowance",
    "pregnancy",
    "care_certification",
    "care_burden_ratio",
    "disaster_certificate",
    "car_tax_address",
    "garage_certificate",
    "cancer_screening",
    "digital_support",
    # life events
    "birth_registration",
    "death_registration",
    "after_death",
    "marriage_registration",
    "divorce_registration",
    "household_change",
    # health and pensions
    "national_health_insurance",
    "high_cost_medical",
    "national_pension",
    "late_elderly_medical",
    # children
    "nursery_school",
    "kindergarten",
    "after_school_care",
    "school_enrollment",
    "child_medical_subsidy",
    "child_support_allowance",
    "prenatal_checkup",
    "infant_checkup",
    "vaccination",
    # taxes
    "resident_tax",
    "property_tax",
    "light_vehicle_tax",
    "tax_payment",
    "tax_certificate",
    # family registers
    "family_register_wide_area",
    "family_register_furigana",
    # welfare
    "disability_certificate",
    "disability_services",
    "livelihood_support",
    "community_care_center",
    "elderly_watch",
    # daily life
    "garbage",
    "bulky_garbage",
    "dog_registration",
    "early_voting",
    "absentee_voting",
    "disaster_preparedness",
    "passport",
}
ASPECTS = {
    "howto",
    "deadline",
    "documents",
    "place",
    "online",
    "fee",
    "eligibility",
    "moving",
    "proxy",
}


class FaqSource(BaseModel):
    """The public document an entry's facts come from, and its date."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=2)
    date: str = Field(min_length=4)
    url: str | None = None
    publisher: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> str:
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
            raise ValueError("date must be YYYY, YYYY-MM or YYYY-MM-DD")
        return text


class FaqEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=4)
    alternates: list[str] = Field(min_length=MIN_ALTERNATES)
    answer: str = Field(min_length=10, max_length=MAX_ANSWER_CHARS)
    steps: list[str] = Field(default_factory=list, max_length=MAX_STEPS)
    category: str
    topic: str | None = None
    procedure: str | None = None
    aspect: str | None = None
    contact: str | None = None
    url: str | None = None
    source: FaqSource
    reviewed: dt.date
    valid_until: dt.date | None = None
    # ids of other entries a resident asking this often needs next (shown as 関連する質問)
    related: list[str] = Field(default_factory=list, max_length=3)

    @field_validator("alternates", "steps", mode="before")
    @classmethod
    def _strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [str(v) for v in value]
        return value

    @field_validator("steps")
    @classmethod
    def _short_steps(cls, steps: list[str]) -> list[str]:
        for step in steps:
            if len(step) > MAX_STEP_CHARS:
                raise ValueError(f"step longer than {MAX_STEP_CHARS} characters: {step}")
        return steps

    @field_validator("procedure")
    @classmethod
    def _known_procedure(cls, value: str | None) -> str | None:
        if value is not None and value not in PROCEDURES:
            raise ValueError(f"unknown procedure key '{value}' (see knowledge/README.md)")
        return value

    @field_validator("aspect")
    @classmethod
    def _known_aspect(cls, value: str | None) -> str | None:
        if value is not None and value not in ASPECTS:
            raise ValueError(f"unknown aspect '{value}' (see knowledge/README.md)")
        return value


class PlanFrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    title: str
    publisher: str
    date: str
    source: str
    url: str | None = None
    reviewed: dt.date

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> str:
        return FaqSource._date_text(value)
