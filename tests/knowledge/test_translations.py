"""Every declared language: each person-facing text translated and none left as the English (but names), clinician
wording kept English, each translated record signed, the kit in step with the loader, the Spanish as easy to read.

Readability of Spanish: INFLESZ (Szigriszt-Pazos) from textstat 0.7.8. 55 is the bottom of its "normal" band,
the level of Spanish lower-secondary school (about US grade 8), so it stands for the English grade-8 limit. Like
every formula it means nothing for a few words, so texts under 8 words are reported, not judged.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import statistics
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import textstat

from service.engine.models import DEFAULT_LANGUAGE, TechnicalText, Text, TranslationStatus
from service.knowledge import KnowledgeError, load_knowledge
from service.knowledge.kit import dump, kit
from service.knowledge.loader import default_root
from service.knowledge.texts import patient_texts
from tests.content_report import LINES

KB = load_knowledge()
OTHER = [lang for lang in KB.languages if lang != DEFAULT_LANGUAGE]
# English wording that stays as it is in a translation: names the same in both languages.
SAME = {
    "Ginkgo biloba": "a plant's species name",
    "Diabetes": "spelled the same in Spanish",
    "Australia": "a place name",
    "diazepam": "a medicine's name, spelled the same in Spanish",
    "tramadol": "a medicine's name, spelled the same in Spanish",
}
INFLESZ_FLOOR = 55
PLACEHOLDER = re.compile(r"\{\w+\}")
FEWEST_WORDS = 8


def texts(value: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside the loaded knowledge (derived ones too: shared rules, pictures' alt text), with a path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            yield from texts(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from texts(v, f"{path}.{k}")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "index":
                yield from texts(getattr(value, f.name), f"{path}.{f.name}".lstrip("."))


ALL = list(texts(KB))
PATIENT = [(p, t) for p, t in ALL if not isinstance(t, TechnicalText)]


def test_spanish_is_declared_and_every_patient_text_has_it():
    assert "es" in KB.languages
    missing = [(lang, p) for p, t in PATIENT for lang in OTHER if not t.get(lang, "").strip()]
    assert PATIENT and not missing, missing[:5]


@pytest.mark.parametrize("lang", OTHER)
def test_no_patient_text_is_left_as_the_english_but_names(lang):
    same = sorted({t[DEFAULT_LANGUAGE] for p, t in PATIENT if t[lang].strip() == t[DEFAULT_LANGUAGE].strip()})
    assert same == sorted(SAME), "identical to the English: translate it, or list it in SAME with why"


def test_clinician_wording_stays_english_only():
    technical = [t for _, t in ALL if isinstance(t, TechnicalText)]
    assert technical and all(set(t) == {DEFAULT_LANGUAGE} for t in technical)


@pytest.mark.parametrize("lang", OTHER)
def test_every_record_with_translated_texts_says_who_translated_it_when_and_how_far_it_is_checked(lang):
    records = [*KB.treatments, *KB.tips, *KB.red_flags, *KB.factors, *KB.disclaimers, *KB.questions, *KB.messages]
    records += [*KB.triage_actions, *KB.drug_classes, *KB.group_rules, *KB.combinations]
    records += [KB.condition, KB.evidence_scale]
    unsigned = [r for r in records if r.translation(lang) is None and any(True for _ in texts_of(r))]
    assert not unsigned, [getattr(r, "id", r) for r in unsigned][:5]
    for r in records:
        t = r.translation(lang)
        if t is not None:
            assert t.status in TranslationStatus and t.by.strip() and t.date <= date.today()


def texts_of(record: object) -> Iterator[Text]:
    return (t for _, t in texts(record) if not isinstance(t, TechnicalText))


def test_the_kit_finds_nothing_left_to_translate():
    files = kit(default_root(), "es")
    assert files and sum(f.texts for f in files) >= 900
    assert [(f.name, f.missing) for f in files if f.missing] == []


def test_a_changed_english_text_shows_in_the_kit_and_stops_the_loader(data_copy: Path):
    target = data_copy / "tips.yaml"
    target.write_text(target.read_text().replace("Keep moving with walks", "Keep moving with long walks", 1))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_copy)
    assert (caught.value.file, caught.value.record) == ("translations/es/tips.yaml", "stay-active-walking")
    stale = {f.name: f for f in kit(data_copy, "es")}["tips.yaml"]
    assert stale.missing == 1
    (data_copy / "translations/es/tips.yaml").write_text(dump(stale, "es").replace("es: ''", "es: Siga caminando", 1))
    assert load_knowledge(data_copy).tips[0].title["es"] == "Siga caminando"


def test_a_knowledge_copy_without_translations_loads_in_english_only(data_copy: Path):
    shutil.rmtree(data_copy / "translations")
    meta = data_copy / "meta.yaml"
    meta.write_text(meta.read_text().replace("languages: [en, es]", "languages: [en]"))
    kb = load_knowledge(data_copy)
    assert kb.languages == ("en",) and all(set(t) == {"en"} for _, t in texts(kb))


def inflesz(text: str) -> float:
    textstat.set_lang("es")
    try:
        return float(textstat.szigriszt_pazos(PLACEHOLDER.sub("1", text)))  # a template scored as a date or number
    finally:
        textstat.set_lang("en_US")


def test_spanish_reads_as_easily_as_the_english():
    scored = [(inflesz(t.text["es"]), t) for t in patient_texts(KB) if len(t.text["es"].split()) >= FEWEST_WORDS]
    textstat.set_lang("es")
    huerta = [float(textstat.fernandez_huerta(t.text["es"])) for _, t in scored]
    textstat.set_lang("en_US")
    worst = min(scored, key=lambda x: x[0])
    LINES.append(
        f"readability (es): {len(scored)} patient texts of {FEWEST_WORDS}+ words, INFLESZ median "
        f"{statistics.median(s for s, _ in scored):.1f} (floor {INFLESZ_FLOOR}), Fernandez Huerta median "
        f"{statistics.median(huerta):.1f}, hardest {worst[0]:.1f} {worst[1].kind} {worst[1].where}"
    )
    hard = [f"{s:.1f}: {t.kind} {t.where}: {t.text['es']}" for s, t in scored if s < INFLESZ_FLOOR]
    assert not hard, "\n".join(hard)
