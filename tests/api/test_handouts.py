"""Patient handouts: printable HTML for the condition and every treatment, without scripts or outside requests."""

import base64
import hashlib
import html
import itertools
import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from markupsafe import escape

from service.api.handout_pages import Handouts, source_link
from service.api.handouts import MAX_CHARS
from service.engine.models import Source, SourceType, Text
from service.knowledge import load_knowledge

KB = load_knowledge()
TREATMENTS = {t.id: t for t in KB.treatments}
PAGES = ["condition", *TREATMENTS]
HREF = re.compile(r'href="([^"]*)"')
URL = re.compile(r"https?://")
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


@pytest.mark.parametrize("name", PAGES)
def test_csp_allows_nothing_but_the_pages_own_stylesheet(client, name):
    r, body = page(client, name)
    csp = dict(d.strip().split(" ", 1) for d in r.headers["Content-Security-Policy"].split(";"))
    css = re.search(r"<style>(.*?)</style>", body, re.S)[1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert csp["default-src"] == "'none'" and csp["style-src"] == f"'sha256-{digest}'"
    assert csp["base-uri"] == csp["form-action"] == csp["frame-ancestors"] == "'none'" and "script-src" not in csp


@pytest.mark.parametrize("name", PAGES)
def test_semantic_printable_structure(client, name):
    r, body = page(client, name)
    doc = outline(body)
    assert doc.lang == r.headers["Content-Language"] == "en"
    assert doc.tags.count("main") == 1 and doc.levels.count(1) == 1 and doc.levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(doc.levels)), f"headings skip a level: {doc.levels}"
    assert LOADING_TAGS.isdisjoint(doc.tags) and doc.tags.count("style") == 1
    assert not [k for k, _ in doc.attrs if k.startswith("on") or k == "style"], "inline handlers or style attributes"
    assert "@media print" in body and len(body) <= MAX_CHARS


@pytest.mark.parametrize("name", ["condition", "nsaids", "stretching-exercises"])
def test_relative_links_lead_to_handouts_and_their_sections(client, name):
    _, body = page(client, name)
    here = f"/handouts/{name}"
    local = [h for h in map(html.unescape, HREF.findall(body)) if not URL.match(h)]
    assert local
    for href in local:
        path, _, fragment = urljoin(here, href).partition("#")
        target = client.get(path)
        assert target.status_code == 200, href
        assert not fragment or fragment in outline(target.get_data(as_text=True)).ids, href


def test_condition_handout_lists_every_option_and_warning_sign(client):
    _, body = page(client, "condition")
    hrefs = set(HREF.findall(body))
    assert set(TREATMENTS) <= hrefs
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
