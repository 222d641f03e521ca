"""The handouts' pages: each one's template context from the knowledge, rendered once, with its ETag and CSP."""

from __future__ import annotations

import base64
import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import date as date_type
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from service.engine.models import (
    Basis,
    Category,
    DisclaimerTrigger,
    Evidence,
    Factor,
    FactorKind,
    Illustration,
    Invasiveness,
    KnowledgeBase,
    RuleLevel,
    Source,
    Stage,
    StageEvidence,
    Text,
    Treatment,
    Urgency,
)
from service.knowledge.illustrations import in_language
from service.web.catalog import etag_of

CONDITION = "condition"
SVG_NS = "http://www.w3.org/2000/svg"
DESC = re.compile(r"\s*<desc>.*?</desc>", re.S)
LOCKED = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"  # with default-src 'none': nothing else loads
TEMPLATES = Environment(
    loader=PackageLoader("service"), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)

CAUTION_LEVELS = (RuleLevel.EXCLUDE, RuleLevel.CLINICIAN_ONLY, RuleLevel.CAUTION)  # most serious first
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
# The handout's own disclaimers: those a reader's situation, not their answers, calls for.
RULE_TRIGGERS = {
    FactorKind.PREGNANCY: DisclaimerTrigger.PREGNANT,
    FactorKind.BREASTFEEDING: DisclaimerTrigger.BREASTFEEDING,
    FactorKind.CANNABIS_LAW: DisclaimerTrigger.CANNABIS_LAW,
}
CONDITION_TRIGGERS = {DisclaimerTrigger.ALWAYS, DisclaimerTrigger.UNDER_16, DisclaimerTrigger.CLINICIAN_OPTIONS}


@dataclass(frozen=True)
class Page:
    """One rendered handout: its bytes, strong ETag and the CSP that allows exactly its stylesheet."""

    body: bytes
    etag: str
    csp: str

    @classmethod
    def of(cls, html: str) -> Page:
        style = re.search(r"<style>(.*?)</style>", html, re.S)
        digest = base64.b64encode(hashlib.sha256((style[1] if style else "").encode()).digest()).decode()
        csp = f"default-src 'none'; style-src 'sha256-{digest}'; {LOCKED}"
        body = html.encode()
        return cls(body, etag_of(body), csp)


def slug(value: enum.Enum) -> str:
    """An enum value as phrase ids name it: clinician_only -> clinician-only."""
    return str(value.value).replace("_", "-")


def source_link(s: Source) -> str | None:
    """Where a reader can find the source: its URL, else its DOI or PubMed page; only http(s) is ever linked."""
    link = s.url or (f"https://doi.org/{s.doi}" if s.doi else None)
    link = link or (f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/" if s.pmid else None)
    return link if link and link.startswith(("https://", "http://")) else None


class Handouts:
    """Builds the template context of each handout from the knowledge, in one language."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb, self.lang = kb, lang
        self.query = f"?lang={lang}"  # links to other handouts keep the reader in this language
        self.used: set[str] = set()  # the phrases rendered so far
        self.bands = {b.stage: b for b in kb.condition.stages}
        scale = kb.evidence_scale
        self.levels = {
            (kind, lvl.id): lvl
            for kind in ("certainty", "direction", "strength", "scope")
            for lvl in getattr(scale, kind)
        }

    def tr(self, text: Text | None) -> str:
        return text.get_text(self.lang) if text else ""

    def say(self, phrase: str, **values: object) -> Markup:
        """A phrase of the knowledge in the page's language, its {placeholders} filled in (escaped unless markup)."""
        self.used.add(phrase)
        return Markup(escape(self.tr(self.kb.index["phrases"][phrase].text))).format(**values)

    def date(self, d: date_type) -> Markup:
        """A date in words: '1 December 2026', '1 de diciembre de 2026'."""
        return self.say("date", day=d.day, month=self.say(f"month-{d.month}"), year=d.year)

    def weeks(self, min_days: int, max_days: int | None) -> Markup:
        """How long sciatica has lasted, in weeks: 'up to 6 weeks', '6 to 12 weeks', 'more than 12 weeks'."""
        if max_days is None:
            return self.say("weeks-more-than", weeks=(min_days - 1) // 7) if min_days else self.say("weeks-any")
        if min_days == 0:
            return self.say("weeks-up-to", weeks=(max_days + 1) // 7)
        return self.say("weeks-between", low=min_days // 7, high=(max_days + 1) // 7)

    def picture(self, picture: Illustration) -> Markup:
        """The exercise's picture inlined in the page (nothing to fetch), named by its alt text for screen readers.

        The loader checked the markup (no scripts, handlers, styles or outside links; ids prefixed by the exercise).
        """
        svg = in_language(picture, self.lang)
        svg = svg[svg.index("<svg") :].replace(f' xmlns="{SVG_NS}"', "", 1)  # HTML needs no xmlns
        svg = DESC.sub("", svg)  # the aria-label (the alt text) says what the picture shows
        return Markup(svg.replace("<svg ", f'<svg aria-label="{escape(self.tr(picture.alt))}" ', 1))  # noqa: S704

    def label(self, factor: Factor) -> str | Markup:
        """A factor as a caution names it: medicines as 'Taking: Benzodiazepine'."""
        label = self.tr(factor.label)
        return self.say("taking", medicine=label) if factor.kind is FactorKind.MEDICATION else label

    def grade(self, e: Evidence | StageEvidence) -> list[tuple[Markup, Markup | str, str]]:
        """The grade in words: (term, level word, the evidence scale's plain definition) per dimension."""
        values = [("certainty", e.certainty), ("direction", e.direction), ("strength", e.strength)]
        values += [("scope", e.scope)] if isinstance(e, Evidence) else []
        rows = []
        for kind, value in values:
            word = self.say(f"certainty-{slug(value)}") if kind == "certainty" else ""
            rows.append((self.say(f"grade-{kind}"), word, self.tr(self.levels[kind, value.value].definition)))
        return rows

    def stages(self, stages: tuple[Stage, ...]) -> Markup:
        """The time these stages span, joining neighbouring ones ('up to 12 weeks' for acute and subacute)."""
        spans: list[tuple[int, int | None]] = []
        for band in (self.bands[s] for s in Stage if s in stages):
            if spans and spans[-1][1] == band.min_days - 1:
                spans[-1] = (spans[-1][0], band.max_days)
            else:
                spans.append((band.min_days, band.max_days))
        words = Markup()
        for low, high in spans:
            span = self.weeks(low, high)
            words = self.say("either", first=words, second=span) if words else span
        return words

    def common(self, title: str, sources: tuple[str, ...], triggers: set[DisclaimerTrigger]) -> dict[str, Any]:
        kb = self.kb
        cited = [kb.index["sources"][sid] for sid in dict.fromkeys(sources)]
        return {
            "lang": self.lang,
            "query": self.query,
            "title": title,
            "tr": self.tr,
            "say": self.say,
            "date": self.date,
            "content_version": kb.content_version,
            "disclaimers": [self.tr(d.text) for d in kb.disclaimers if d.trigger in triggers],
            "sources": [(s, source_link(s)) for s in cited],
        }

    def triggers(self, t: Treatment) -> set[DisclaimerTrigger]:
        """The disclaimers a treatment's handout carries: always the general one, and those its rules call for."""
        kinds = {self.kb.index["factors"][r.factor].kind for r in t.rules}
        triggers = {DisclaimerTrigger.ALWAYS} | {RULE_TRIGGERS[k] for k in kinds if k in RULE_TRIGGERS}
        triggers |= {DisclaimerTrigger.CLINICIAN_OPTIONS} if t.invasiveness in SPECIALIST else set()
        return triggers

    def cautions(self, t: Treatment) -> list[tuple[Markup, list[tuple[str | Markup, str, bool]]]]:
        """Per level, most serious first: (factor label, the rule's reason, whether only usual practice backs it)."""
        factors, out = self.kb.index["factors"], []
        for level in CAUTION_LEVELS:
            rules = [r for r in t.rules if r.level is level]
            items = [
                (self.label(factors[r.factor]), self.tr(r.reason), r.basis is Basis.CLINICAL_CONVENTION) for r in rules
            ]
            out += [(self.say(f"caution-{slug(level)}"), items)] if items else []
        return out

    def treatment(self, t: Treatment) -> str:
        evidence: list[tuple[str | Markup, Evidence | StageEvidence]] = [("", t.evidence)]
        if t.evidence.by_stage:
            special = {s for e in t.evidence.by_stage for s in e.stages}
            evidence = [(self.stages(tuple(s for s in Stage if s not in special)), t.evidence)]
            evidence += [(self.stages(e.stages), e) for e in t.evidence.by_stage]
            evidence = [(self.say("if-lasted", span=span), e) for span, e in evidence]
        context = self.common(self.tr(t.name), t.sources, self.triggers(t)) | {
            "t": t,
            "picture": self.picture,
            "access": self.access(t),
            "suits": self.stages(t.stages),
            "cautions": self.cautions(t),
            "evidence": evidence,
            "grade": self.grade,
            "reviewed": t.last_reviewed,
            "review_due": t.next_review_due,
        }
        return TEMPLATES.get_template("handout_treatment.html").render(context)

    def condition(self) -> str:
        kb, c = self.kb, self.kb.condition
        actions = {a.level: a for a in kb.triage_actions}
        flags = [(actions[u], [f for f in kb.red_flags if f.urgency is u]) for u in Urgency]
        options = [
            (self.say(f"category-{slug(cat)}"), [t for t in kb.treatments if t.category is cat]) for cat in Category
        ]
        context = self.common(self.tr(c.name), c.sources, CONDITION_TRIGGERS) | {
            "c": c,
            "stages": [(b, self.weeks(b.min_days, b.max_days)) for b in c.stages],
            "options": [(h, items) for h, items in options if items],
            "help": [(action, fs) for action, fs in flags if fs],
            "reviewed": c.last_reviewed,
            "review_due": c.next_review_due,
        }
        return TEMPLATES.get_template("handout_condition.html").render(context)

    def access(self, t: Treatment) -> Markup:
        """Whether a prescription or a referral is needed, in words."""
        needs = {(True, True): "both", (True, False): "prescription", (False, True): "referral", (False, False): "none"}
        return self.say(f"access-{needs[t.prescription_required, t.referral_required]}")


def build(kb: KnowledgeBase) -> dict[tuple[str, str], Page]:
    """Every handout in every language."""
    pages = {}
    for lang in kb.languages:
        h = Handouts(kb, lang)
        pages[CONDITION, lang] = Page.of(h.condition())
        pages.update({(t.id, lang): Page.of(h.treatment(t)) for t in kb.treatments})
    return pages
