"""The handouts' phrases: every language of a phrase fills in the same {placeholders} as its English."""

from __future__ import annotations

import string

from service.engine import models as m
from service.knowledge.errors import KnowledgeError
from service.knowledge.translations import FOLDER

FILE = "phrases.yaml"


def placeholders(text: str) -> set[str]:
    """The {name} placeholders of `text`; ValueError for unbalanced braces or a placeholder that is not a plain name."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"{{{name}}} is not a placeholder like {{name}}")
        names.add(name)
    return names


def check_phrases(kb: m.KnowledgeBase) -> None:
    """Raise KnowledgeError for the first phrase whose translation names other placeholders than its English (a
    page would fail to fill it in, or leave a value out)."""
    for phrase in kb.phrases:
        english = _names(FILE, phrase.id, "text", phrase.text[m.DEFAULT_LANGUAGE])
        for lang, text in phrase.text.items():
            if lang == m.DEFAULT_LANGUAGE:
                continue
            where = f"{FOLDER}/{lang}/{FILE}"
            found = _names(where, phrase.id, "texts.text", text)
            if found != english:
                want = ", ".join(f"{{{n}}}" for n in sorted(english)) or "none"
                raise KnowledgeError(
                    where, phrase.id, "texts.text", f"placeholders must be those of the English: {want}"
                )


def _names(file: str, record: str, field: str, text: str) -> set[str]:
    try:
        return placeholders(text)
    except ValueError as exc:
        raise KnowledgeError(file, record, field, str(exc)) from None
