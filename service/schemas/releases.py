"""The release feed: each recorded content version, what changed in it and whether apps must refresh."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from service.knowledge.releases import SEMVER
from service.schemas.base import OutputSchema, doc, integer


def semver(description: str, example: str | None, **kwargs: Any) -> ma.fields.String:
    """A content version (semantic version)."""
    return ma.fields.String(required=True, metadata=doc(description, example, pattern=SEMVER.pattern), **kwargs)


ITEM = "An item as kind/id (kinds: treatments, tips, red_flags, factors, sources, ...; condition alone)."


def _ids(what: str, example: list[str]) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(metadata=doc(ITEM)), required=True, metadata=doc(what, example))


class GradeChangeSchema(OutputSchema):
    item = ma.fields.String(required=True, metadata=doc(ITEM, "treatments/opioids"))
    before = ma.fields.String(
        required=True, allow_none=True, metadata=doc("certainty/direction/strength before (then per stage).", None)
    )
    after = ma.fields.String(
        required=True,
        allow_none=True,
        metadata=doc("certainty/direction/strength after.", "low/against/strong; chronic: moderate/against/strong"),
    )


class ChangesSchema(OutputSchema):
    added = _ids("Items new in this version.", ["tips/pacing"])
    removed = _ids("Items gone in this version: delete them.", [])
    grade_changed = ma.fields.List(
        ma.fields.Nested(GradeChangeSchema), required=True, metadata=doc("Items whose evidence grade changed.")
    )
    safety_changed = _ids(
        "Items whose safety rules changed: contraindications and cautions (treatments, tips), urgency (red flags), "
        "the factors' derivation rules, drug-class, group, medicine-combination and triage rules.",
        ["treatments/nsaids"],
    )
    updated = _ids("Items with other changes (wording, sources, review dates).", ["sources/S12"])


class ReleaseSchema(OutputSchema):
    version = semver("Content version.", "2.0.0")
    date = ma.fields.Date(required=True, metadata=doc("Date it was recorded.", "2026-12-01"))
    previous_version = semver("The version before it; null for the first recorded one.", None, allow_none=True)
    note = ma.fields.String(
        required=True,
        allow_none=True,
        metadata=doc(
            "What the release is about.", "First recorded release: earlier content versions were not recorded."
        ),
    )
    changes = ma.fields.Nested(
        ChangesSchema, required=True, metadata=doc("What changed since the previous version (empty for the first).")
    )
    must_refresh = ma.fields.Boolean(
        required=True,
        metadata=doc(
            "True when an item was removed, a grade changed or a safety rule changed since the previous version, and "
            "for the first recorded release: apps holding content must fetch GET /v1/bundle again.",
            True,
        ),
    )
    refresh_within_days = integer(
        "When must_refresh: replace the content within this many days (null otherwise).",
        7, 0, 365, required=True, allow_none=True,
    )  # fmt: skip


class ReleaseFeedSchema(OutputSchema):
    content_version = semver("The content version served now.", "2.0.0")
    releases = ma.fields.List(
        ma.fields.Nested(ReleaseSchema), required=True, metadata=doc("Every recorded release, newest first.")
    )
