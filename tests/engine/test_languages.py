"""The same report gives the same decisions in every language: only the words differ (hypothesis and every scenario).

An answer is compared as data: every level, id, rank, code, factor and flag must be equal; the only leaves allowed to
differ are the person-facing wording (`text` of reasons, cautions and tips, the triage `action`), and in a language
other than English each of those must differ from the English (nothing left untranslated).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given

from service.engine import check_report
from service.engine.models import DEFAULT_LANGUAGE, language_for
from service.knowledge.releases import plain
from tests.engine.reports import KB, reports
from tests.engine.test_scenarios import SCENARIOS, load, report_of

CHECKED = [p for p in SCENARIOS if not check_report(report_of(load(p).get("report", {})), KB)]  # the rest: 422
WORDS = {"text", "action"}  # the keys whose values are wording in the answer's language
OTHER = [lang for lang in KB.languages if lang != DEFAULT_LANGUAGE]


def differences(a: Any, b: Any, path: str = "", key: str = "") -> list[tuple[str, str]]:
    """(path, key) of every leaf where `a` and `b` differ; a different shape is reported as its own difference."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}", k)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]", key)]
    return [] if a == b else [(path, key if type(a) is type(b) and isinstance(a, str) else "(shape)")]


def words(value: Any) -> list[str]:
    """Every wording leaf of an answer (values of WORDS keys)."""
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in ([v] if k in WORDS and isinstance(v, str) else words(v))]
    return [w for v in value for w in words(v)] if isinstance(value, list) else []


def same_decisions(engine: Any, report: Any, lang: str) -> None:
    english, other = plain(engine.recommend(report)), plain(engine.recommend(report, lang))
    decided = [(path, key) for path, key in differences(english, other) if key not in WORDS]
    assert not decided, f"{lang} decides differently at {decided[:3]}"
    untranslated = sorted(set(words(english)) & set(words(other)))
    assert not untranslated, f"left in English: {untranslated[:3]}"


@pytest.mark.parametrize("lang", OTHER)
@pytest.mark.parametrize("path", CHECKED, ids=[p.stem for p in CHECKED])
def test_every_scenario_decides_the_same_in_every_language(engine, path, lang):
    same_decisions(engine, report_of(load(path).get("report", {})), lang)


@given(reports())
def test_any_report_decides_the_same_in_every_language(engine, report):
    assume(check_report(report, KB) == [])
    for lang in OTHER:
        same_decisions(engine, report, lang)


@pytest.mark.parametrize(
    ("english", "other", "found"),
    [
        ({"level": "urgent", "action": "Go now."}, {"level": "urgent", "action": "Vaya ya."}, [(".action", "action")]),
        ({"level": "urgent"}, {"level": "soon"}, [(".level", "level")]),
        ({"ids": ["a", "b"]}, {"ids": ["b", "a"]}, [(".ids[0]", "ids"), (".ids[1]", "ids")]),
        ({"ids": ["a"]}, {"ids": ["a", "b"]}, [(".ids", "(shape)")]),
    ],
)
def test_the_comparison_itself(english, other, found):
    assert differences(english, other) == found


@pytest.mark.parametrize(
    ("tag", "languages", "found"),
    [
        ("es", ("en", "es"), "es"),
        ("es-MX", ("en", "es"), "es"),
        ("ES", ("en", "es"), "es"),
        ("es-419", ("en", "es"), "es"),
        ("en-GB", ("en", "es"), "en"),
        ("pt-BR", ("en", "pt", "pt-br"), "pt-br"),  # the longest match first
        ("pt-PT", ("en", "pt-br"), None),  # never a sibling region
        ("zh-Hant-TW", ("en", "es"), None),
    ],
)
def test_a_language_tag_finds_its_content_language_by_rfc_4647_lookup(tag, languages, found):
    assert language_for(tag, languages) == found
