"""Load and check the exercise pictures (data/illustrations/<exercise-id>.svg): one per exercise, safe to inline."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from html import escape
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any
from xml.etree import ElementTree as ET

from service.engine.models import DEFAULT_LANGUAGE, Exercise, Illustration, Treatment
from service.knowledge.errors import KnowledgeError

FOLDER = "illustrations"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_BYTES = 16_384
FORBIDDEN_TAGS = {"script", "foreignObject", "style"}  # presentation attributes only: a handout's CSP allows no styles
OUTSIDE_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.I)  # url(...) to anything but a #fragment of the same picture


TITLE, DESC = re.compile(r"<title>.*?</title>", re.S), re.compile(r"<desc>.*?</desc>", re.S)


def in_language(picture: Illustration, lang: str) -> str:
    """The picture's SVG with its <title> (the exercise's name) and <desc> (its alt text) in `lang` (the file is the
    English)."""
    if lang == DEFAULT_LANGUAGE:
        return picture.svg
    title = f"<title>{escape(picture.name.get_text(lang))}</title>"
    desc = f"<desc>{escape(picture.alt.get_text(lang))}</desc>"
    return DESC.sub(lambda _: desc, TITLE.sub(lambda _: title, picture.svg, count=1), count=1)


class SvgError(Exception):
    """A defect in one picture: the element or attribute at fault, and why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def load_illustrations(base: Traversable, treatments: tuple[Treatment, ...], digest: Any) -> Mapping[str, Illustration]:
    """Every exercise's picture, checked; raise KnowledgeError naming file, exercise and field on the first defect."""
    folder = base / FOLDER
    try:
        files = {f.name: f for f in folder.iterdir() if f.name.endswith(".svg")}
    except (FileNotFoundError, NotADirectoryError):
        raise KnowledgeError(f"{FOLDER}/", "-", "-", "folder is missing") from None
    exercises = list(_exercises(treatments))
    orphans = sorted(set(files) - {f"{x.id}.svg" for x in exercises})
    if orphans:
        raise KnowledgeError(f"{FOLDER}/{orphans[0]}", orphans[0][:-4], "-", "no exercise has this id")
    out = {}
    for exercise in exercises:
        exercise_id = exercise.id
        name = f"{FOLDER}/{exercise_id}.svg"
        if f"{exercise_id}.svg" not in files:
            raise KnowledgeError(name, exercise_id, "-", "file is missing: every exercise has one picture")
        raw = files[f"{exercise_id}.svg"].read_bytes()
        digest.update(name.encode() + b"\0" + raw)
        try:
            out[exercise_id] = _checked(exercise, raw)
        except SvgError as exc:
            raise KnowledgeError(name, exercise_id, exc.field, exc.message) from None
    return MappingProxyType(out)


def with_illustrations(
    treatments: tuple[Treatment, ...], pictures: Mapping[str, Illustration]
) -> tuple[Treatment, ...]:
    """Each treatment with its exercises' pictures attached (what the API links and the handouts inline)."""
    return tuple(
        dataclasses.replace(
            t, exercises=tuple(dataclasses.replace(x, illustration=pictures[x.id]) for x in t.exercises)
        )
        if t.exercises
        else t
        for t in treatments
    )


def _exercises(treatments: tuple[Treatment, ...]) -> Iterator[Exercise]:
    seen: set[str] = set()
    for t in treatments:
        for i, x in enumerate(t.exercises):
            if x.id in seen:
                raise KnowledgeError(f"treatments/{t.id}.yaml", t.id, f"exercises[{i}].id", "duplicate exercise id")
            seen.add(x.id)
            yield x


def _checked(exercise: Exercise, raw: bytes) -> Illustration:
    """The picture when it is small, well-formed SVG with a viewBox and a title, that runs and fetches nothing."""
    exercise_id = exercise.id
    if len(raw) > MAX_BYTES:
        raise SvgError("-", f"larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SvgError("-", "not UTF-8") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SvgError("DOCTYPE", "no DOCTYPE or entities")
    try:
        root = ET.fromstring(text)  # noqa: S314 - our own files, without DOCTYPE or entities (checked above)
    except ET.ParseError as exc:
        raise SvgError("-", f"not well-formed XML: {exc}") from None
    if root.tag != f"{SVG_NS}svg":
        raise SvgError("svg", "the root element must be <svg> in the SVG namespace")
    if root.get("role") != "img":
        raise SvgError("role", 'the <svg> element needs role="img"')
    title = root.find(f"{SVG_NS}title")
    if title is None or not (title.text or "").strip():
        raise SvgError("title", "a non-empty <title> child of <svg> is required")
    for element in root.iter():
        _check_element(exercise_id, element)
    width, height = _size(root.get("viewBox"))
    return Illustration(exercise_id, text.strip(), width, height, exercise.illustration_alt, exercise.name)


def _check_element(exercise_id: str, element: ET.Element) -> None:
    tag = element.tag if isinstance(element.tag, str) else "-"
    if not tag.startswith(SVG_NS):
        raise SvgError(tag, "only SVG elements")
    if tag.removeprefix(SVG_NS) in FORBIDDEN_TAGS:
        raise SvgError(
            tag.removeprefix(SVG_NS), "not allowed: pictures run nothing, embed nothing and style by attributes"
        )
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if local.lower().startswith("on") or local == "style":
            raise SvgError(local, "no event handlers and no style attributes")
        if name in ("href", XLINK_HREF) and not value.startswith("#"):
            raise SvgError("href", "links may only point inside the picture (#fragment)")
        if OUTSIDE_URL.search(value):
            raise SvgError(local, "url(...) may only point inside the picture (#fragment)")
        if local == "id" and not value.startswith(f"{exercise_id}-"):
            raise SvgError("id", f"ids start with '{exercise_id}-' (unique when pages inline several pictures)")


def _size(view_box: str | None) -> tuple[int, int]:
    """Width and height from the viewBox 'min-x min-y width height'."""
    try:
        _, _, width, height = (float(n) for n in re.split(r"[\s,]+", (view_box or "").strip()))
    except ValueError:
        raise SvgError("viewBox", "expected 'min-x min-y width height'") from None
    if width <= 0 or height <= 0:
        raise SvgError("viewBox", "width and height must be positive")
    return round(width), round(height)
