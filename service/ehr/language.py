"""Languages in the EHR integrations: the content language that serves a BCP 47 tag, and the patient's preferred
language as a FHIR R4 Patient records it (Patient.communication)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.ehr import fhir_in as f
from service.engine.models import language_for

BCP47 = "urn:ietf:bcp:47"  # the code system of Patient.communication.language (FHIR R4 binding: common-languages)
TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def served(tag: str, languages: Sequence[str]) -> str | None:
    """The content language for a well-formed BCP 47 tag (es-MX, ES, es-419 -> es), else None."""
    return language_for(tag, languages) if TAG.match(tag) else None


@dataclass(frozen=True)
class Preferred:
    """The patient's preferred language: `tag` (BCP 47) when coded so, else None and `written` (the text, display or
    other code the record gives, said on the cards as not read)."""

    tag: str | None
    written: str = ""


def preferred(patient: dict[str, Any]) -> Preferred | None:
    """The communication marked preferred, else the first; None when the Patient records none."""
    listed = patient.get("communication")
    spoken = [c for c in listed if isinstance(c, dict) and c.get("language")] if isinstance(listed, list) else []
    if not spoken:
        return None
    first = next((c for c in spoken if c.get("preferred") is True), spoken[0])
    tags = [code for system, code, _ in f.codings(first["language"]) if system == BCP47 and TAG.match(code)]
    return Preferred(tags[0]) if tags else Preferred(None, f.label(first["language"]) or "not coded")
