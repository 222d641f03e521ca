"""Patient handouts: printable HTML for the condition and every treatment, without scripts or outside requests."""

import base64
import hashlib
import html
import itertools
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from markupsafe import escape

from service.api.handout_pages import Handouts, source_link
from service.api.handouts import MAX_CHARS
from service.engine.models import Certainty, Source, SourceType, Stage, Text
from service.knowledge import load_knowledge

KB = load_knowledge()
TREATMENTS = {t.id: t for t in KB.treatments}
PAGES = ["condition", *TREATMENTS]
HREF = re.compile(r'href="([^"]*)"')
URL = re.compile(r"https?://")
SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
ASK_SPANISH = {"?lang=es": ("?lang=es", {}), "accept-language": ("", SPANISH)}
LOADING_TAGS = {"script", "img", "link", "iframe", "object", "embed", "form", "base", "source", "video", "audio"}


def page(client, name):
    r = client.get(f"/handouts/{name}")
    assert r.status_code == 200, r.data
    return r, r.get_data(as_text=True)


class Outline(HTMLParser):
    """What the tests check of a page's structure: tags seen, heading levels in order, attributes, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.levels: list[int] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self.ids |= {v for k, v in attrs if k == "id" and v}
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def outline(body):
    parser = Outline()
    parser.feed(body)
    return parser


def expected_texts(t):
    """Every piece of the treatment's knowledge a reader must find on its handout."""
    texts = [t.name, t.summary, t.details, t.delivered_by, *t.involves, t.evidence.summary]
    texts += [e.summary for e in t.evidence.by_stage] + [r.reason for r in t.rules]
    texts += [x for e in t.exercises for x in (e.name, *e.steps, e.dose, e.stop_if)]
    texts += [t.criteria.text] if t.criteria else []
    return [x.get_text() for x in texts] + [KB.index["sources"][s].title for s in t.sources]


@pytest.mark.parametrize("treatment", KB.treatments, ids=lambda t: t.id)
def test_treatment_handout_is_plain_html_with_its_knowledge(client, treatment):
    r, body = page(client, treatment.id)
    assert r.mimetype == "text/html" and r.mimetype_params["charset"] == "utf-8"
    assert "<script" not in body.lower()
    missing = [text for text in expected_texts(treatment) if str(escape(text)) not in body]
    assert missing == []
    assert f'datetime="{treatment.last_reviewed.isoformat()}"' in body and KB.content_version in body


@pytest.mark.parametrize("name", PAGES)
def test_the_only_outside_urls_are_links_to_sources(client, name):
    _, body = page(client, name)
    cited = TREATMENTS[name].sources if name in TREATMENTS else KB.condition.sources
    allowed = {source_link(KB.index["sources"][s]) for s in cited}
    outside = {html.unescape(h) for h in HREF.findall(body) if URL.match(h)}
    assert outside and outside <= allowed
    assert not URL.search(HREF.sub("", body)), "an http(s) URL outside a source link"


@pytest.mark.parametrize("lang", KB.languages)
@pytest.mark.parametrize("name", PAGES)
def test_csp_allows_nothing_but_the_pages_own_stylesheet(client, name, lang):
    r, body = page(client, f"{name}?lang={lang}")
    csp = dict(d.strip().split(" ", 1) for d in r.headers["Content-Security-Policy"].split(";"))
    css = re.search(r"<style>(.*?)</style>", body, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert csp["default-src"] == "'none'" and csp["style-src"] == f"'sha256-{digest}'"
    assert csp["base-uri"] == csp["form-action"] == csp["frame-ancestors"] == "'none'" and "script-src" not in csp


@pytest.mark.parametrize("lang", KB.languages)
@pytest.mark.parametrize("name", PAGES)
def test_semantic_printable_structure(client, name, lang):
    r, body = page(client, f"{name}?lang={lang}")
    doc = outline(body)
    assert doc.lang == r.headers["Content-Language"] == lang
    assert doc.tags.count("main") == 1 and doc.levels.count(1) == 1 and doc.levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(doc.levels)), f"headings skip a level: {doc.levels}"
    assert LOADING_TAGS.isdisjoint(doc.tags) and doc.tags.count("style") == 1
    assert not [k for k, _ in doc.attrs if k.startswith("on") or k == "style"], "inline handlers or style attributes"
    assert "@media print" in body and len(body) <= MAX_CHARS


@pytest.mark.parametrize(
    "name, query, headers, lang",
    [
        ("condition", "", {}, "en"),
        ("nsaids", "", {}, "en"),
        ("stretching-exercises", "?lang=en", SPANISH, "en"),
        ("condition", "?lang=es", {}, "es"),
        ("nsaids", "", SPANISH, "es"),
        ("opioids", "?lang=es", {}, "es"),
    ],
)
def test_relative_links_lead_to_handouts_and_their_sections_in_the_same_language(client, name, query, headers, lang):
    r = client.get(f"/handouts/{name}{query}", headers=headers)
    assert r.headers["Content-Language"] == lang
    here = f"/handouts/{name}"
    local = [h for h in map(html.unescape, HREF.findall(r.get_data(as_text=True))) if not URL.match(h)]
    assert local
    for href in local:
        path, _, fragment = urljoin(here, href).partition("#")
        assert path.endswith(f"?lang={lang}"), href
        target = client.get(path)  # a click sends no ?lang= of its own: the link carries it
        assert target.status_code == 200 and target.headers["Content-Language"] == lang, href
        assert not fragment or fragment in outline(target.get_data(as_text=True)).ids, href


def test_condition_handout_lists_every_option_and_warning_sign(client):
    _, body = page(client, "condition")
    hrefs = set(HREF.findall(body))
    assert {f"{t}?lang=en" for t in TREATMENTS} <= hrefs
    texts = [KB.condition.summary, *KB.condition.causes, *(f.meaning for f in KB.red_flags)]
    texts += [q for f in KB.red_flags for q in f.questions] + [
        a.action for a in KB.triage_actions if a.level.value != "self_care"
    ]
    assert [x.get_text() for x in texts if str(escape(x.get_text())) not in body] == []


@pytest.mark.parametrize(
    "name, disclaimer, shown",
    [
        ("condition", "general", True),
        ("condition", "under-16", True),
        ("condition", "emergency", False),
        ("stretching-exercises", "general", True),
        ("stretching-exercises", "pregnancy", False),
        ("nsaids", "pregnancy", True),
        ("nsaids", "clinician-options", False),
        ("discectomy", "clinician-options", True),
        ("cannabinoids", "cannabis-law", True),
        ("opioids", "breastfeeding", True),
        ("opioids", "not-screened", False),
    ],
)
def test_disclaimers_the_reader_needs(client, name, disclaimer, shown):
    _, body = page(client, name)
    text = next(d.text.get_text() for d in KB.disclaimers if d.id == disclaimer)
    assert (str(escape(text)) in body) is shown


@pytest.mark.parametrize("name", ["condition", "nsaids"])
def test_cached_like_other_content(client, name):
    r, _ = page(client, name)
    assert r.headers["Cache-Control"].startswith("public, max-age=") and r.headers["ETag"]
    assert "Accept-Language" in r.headers["Vary"]
    again = client.get(f"/handouts/{name}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == r.headers["ETag"]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/handouts/no-such-treatment", 404),
        ("/handouts/NSAIDS", 404),
        ("/handouts/" + "x" * 65, 404),
        ("/handouts/nsaids?print=1", 422),
    ],
)
def test_unknown_handouts_are_problems(client, path, status):
    r = client.get(path)
    assert r.status_code == status and r.mimetype == "application/problem+json"
    assert r.json["status"] == status


HOSTILE = "<script>alert(1)</script> & \"quotes\" 'single' <b>bold</b>"


def test_knowledge_text_is_escaped():
    t = replace(
        TREATMENTS["stretching-exercises"],
        name=Text({"en": HOSTILE}),
        summary=Text({"en": HOSTILE}),
        involves=(Text({"en": HOSTILE}),),
    )
    rendered = Handouts(KB, "en").treatment(t)
    assert "<script" not in rendered and "<b>" not in rendered
    assert rendered.count(str(escape(HOSTILE))) >= 3


@pytest.mark.parametrize(
    "url, doi, pmid, link",
    [
        ("https://www.nice.org.uk/guidance/ng59", "10.1/x", None, "https://www.nice.org.uk/guidance/ng59"),
        (None, "10.7326/M16-2367", "28192789", "https://doi.org/10.7326/M16-2367"),
        (None, None, "28192789", "https://pubmed.ncbi.nlm.nih.gov/28192789/"),
        ("javascript:alert(1)", None, None, None),
        (None, None, None, None),
    ],
)
def test_source_links_are_http_only(url, doi, pmid, link):
    s = Source("S0", "Title", "Author", 2020, "Publisher", SourceType.REVIEW, True, (), doi=doi, pmid=pmid, url=url)
    assert source_link(s) == link


def test_documented_as_html(app):
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    for path in ("/handouts/condition", "/handouts/{treatment_id}"):
        assert set(spec["paths"][path]["get"]["responses"]["200"]["content"]) == {"text/html"}
    assert "404" in spec["paths"]["/handouts/{treatment_id}"]["get"]["responses"]


class Visible(HTMLParser):
    """A page's text as a reader sees it, without the stylesheet and the list of sources (their own titles)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.skip or tag == "style" or ("class", "sources") in attrs:
            self.skip.append(tag)
        self.parts += [v for k, v in attrs if k == "aria-label" and v]

    def handle_endtag(self, tag):
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()

    def handle_data(self, data):
        self.parts += [] if self.skip else [data]


def visible(body):
    parser = Visible()
    parser.feed(body)
    return " ".join(" ".join(parser.parts).split())


def english_wording(phrase):
    """The English words of a phrase that a page shows as they are: its text between placeholders."""
    pieces = re.split(r"\{\w+\}", phrase.text["en"])
    return [w for w in (p.strip(" .:()") for p in pieces) if re.search(r"[A-Za-z]", w)]


def leftover_english(text):
    """Every phrase's English wording found in `text`: runs of two words or more anywhere, single words whole and
    capitalised as a heading or label has them ('Sources', 'Moderate', 'December')."""
    found = []
    for phrase in KB.phrases:
        for words in english_wording(phrase):
            pattern = re.escape(words) if " " in words else rf"\b{re.escape(words)}\b"
            found += [f"{phrase.id}: {words}"] if re.search(pattern, text) else []
    return found


@pytest.mark.parametrize("ask", ASK_SPANISH)
@pytest.mark.parametrize("name", PAGES)
def test_spanish_handout_has_no_english_interface_wording(client, name, ask):
    query, headers = ASK_SPANISH[ask]
    r = client.get(f"/handouts/{name}{query}", headers=headers)
    assert r.status_code == 200 and r.headers["Content-Language"] == "es"
    assert leftover_english(visible(r.get_data(as_text=True))) == []


@pytest.mark.parametrize(
    "page_html, found",
    [
        (
            "<h2>Sources</h2><p>Last reviewed <time>1 May 2026</time>.</p>",
            ["sources: Sources", "footer: Last reviewed", "month-5: May"],
        ),
        ("<h2>Fuentes</h2><p>Última revisión: <time>1 de mayo de 2026</time>.</p>", []),
        (
            '<p>Surgery</p><ol class="sources"><li>Exercise therapy: a review (2020)</li></ol>',
            ["category-surgery: Surgery"],
        ),
        ("<dd><strong>Very low.</strong> Tenemos muy poca confianza.</dd>", ["certainty-very-low: Very low"]),
        ('<svg aria-label="A person lies on their back"></svg><p>Taking: Benzodiazepina.</p>', ["taking: Taking"]),
    ],
)
def test_the_english_wording_check_itself(page_html, found):
    assert leftover_english(visible(page_html)) == found


@pytest.mark.parametrize("ask", ASK_SPANISH)
@pytest.mark.parametrize("name", ["condition", "nsaids", "opioids", "stretching-exercises", "discectomy"])
def test_spanish_handout_is_its_own_representation(client, name, ask):
    query, headers = ASK_SPANISH[ask]
    es = client.get(f"/handouts/{name}{query}", headers=headers)
    en = client.get(f"/handouts/{name}")
    assert outline(es.get_data(as_text=True)).lang == es.headers["Content-Language"] == "es"
    assert "Accept-Language" in es.headers["Vary"] and es.headers["Language-Fallback"] == "false"
    assert es.data != en.data and es.headers["ETag"] != en.headers["ETag"]
    assert outline(es.get_data(as_text=True)).ids == outline(en.get_data(as_text=True)).ids  # the same sections
    again = client.get(f"/handouts/{name}{query}", headers={**headers, "If-None-Match": es.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == es.headers["ETag"]
    other = client.get(f"/handouts/{name}", headers={"If-None-Match": es.headers["ETag"]})
    assert other.status_code == 200 and other.data == en.data  # the Spanish validator never stands for the English


@pytest.mark.parametrize(
    "name, lang, wording",
    [
        ("condition", "en", "<h3>Get help straight away</h3>"),
        ("condition", "es", "<h3>Busque ayuda de inmediato</h3>"),
        ("condition", "en", "<dt>6 to 12 weeks</dt>"),
        ("condition", "es", "<dt>De 6 a 12 semanas</dt>"),
        ("condition", "en", "<dt>More than 12 weeks</dt>"),
        ("condition", "es", "<dt>Más de 12 semanas</dt>"),
        ("condition", "en", '<a href="nsaids?lang=en">'),
        ("condition", "es", '<a href="nsaids?lang=es">'),
        ("opioids", "en", "<title>Opioid painkillers"),
        ("opioids", "es", ": hoja informativa para pacientes</title>"),
        ("opioids", "en", "<h3>If your sciatica has lasted up to 12 weeks</h3>"),
        ("opioids", "es", "<h3>Si su ciática ha durado hasta 12 semanas</h3>"),
        ("opioids", "en", "<dd>You need a prescription.</dd>"),
        ("opioids", "es", "<dd>Necesita una receta.</dd>"),
        ("opioids", "en", "<strong>Taking: Benzodiazepine.</strong>"),
        ("opioids", "es", "<strong>Si toma: Benzodiazepina.</strong>"),
        ("opioids", "en", "<dd><strong>Very low.</strong>"),
        ("opioids", "es", "<dd><strong>Muy baja.</strong>"),
        ("opioids", "en", '<time datetime="2026-11-30">30 November 2026</time>'),
        ("opioids", "es", '<time datetime="2026-11-30">30 de noviembre de 2026</time>'),
        ("opioids", "es", "Es la versión " + KB.content_version + " del contenido.</p>"),
        ("opioids", "en", '<a href="condition?lang=en#when-to-get-help">sciatica handout</a> lists them'),
        ("opioids", "es", '<a href="condition?lang=es#when-to-get-help">hoja informativa sobre la ciática</a>'),
        ("discectomy", "en", "<dd>You need a referral.</dd>"),
        ("discectomy", "es", "<dd>Necesita una derivación.</dd>"),
        ("staying-active", "en", "<dd>You do not need a prescription or a referral.</dd>"),
        ("staying-active", "es", "<dd>No necesita receta ni derivación.</dd>"),
        ("stretching-exercises", "en", "<title>Knee-to-chest stretch</title>"),
        ("stretching-exercises", "es", "<title>Estiramiento de rodilla al pecho</title>"),
    ],
)
def test_interface_wording_in_each_language(client, name, lang, wording):
    r = client.get(f"/handouts/{name}?lang={lang}")
    assert wording in r.get_data(as_text=True)


def test_every_phrase_is_shown_on_some_handout():
    """Each phrase has a page that shows it: the shipped pages, and the cases today's knowledge does not have."""
    h = Handouts(KB, "en")
    h.condition()
    for t in KB.treatments:
        h.treatment(t)
    for month in range(1, 13):  # review dates fall in a few months; every month's name is there for the others
        h.date(date(2027, month, 1))
    nsaids = TREATMENTS["nsaids"]
    unusual = replace(
        nsaids,
        prescription_required=True,
        referral_required=True,
        stages=(Stage.ACUTE, Stage.CHRONIC),
        evidence=replace(nsaids.evidence, certainty=Certainty.HIGH),
    )
    rendered = h.treatment(unusual)
    assert "You need a prescription and a referral." in rendered and "<strong>High.</strong>" in rendered
    assert "<dd>up to 6 weeks or more than 12 weeks</dd>" in rendered
    assert h.used == {p.id for p in KB.phrases if not p.id.startswith("infobutton-")}  # the Infobutton's: its tests
