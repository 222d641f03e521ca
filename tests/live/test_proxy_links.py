"""Through deploy/nginx.conf: body limits per path (the app's own), nginx's errors as problem+json, and absolute
links in cards and FHIR bundles that name the host and port the client called."""

import copy
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service.config import Config
from tests.loopback import stop

# The plan card: links to the Infobutton answer and the FHIR PlanDefinition.
CASE = json.loads((Path(__file__).parents[1] / "ehr" / "fixtures" / "pv-acute-sciatica.json").read_text())
HOOK = f"/cds-services/{CASE['service']}"
SEARCH = "/fhir/PlanDefinition"
SPOOFED_HOST = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "666"}
SPOOFED = SPOOFED_HOST | {"X-Forwarded-Proto": "https"}


def padded(size: int) -> bytes:
    """The fixture's hook call grown to exactly `size` bytes: past episodes of the same condition (as a long problem
    list sends them; at most 400, a prefetched Bundle may hold 500), then trailing whitespace."""
    request = copy.deepcopy(CASE["request"])
    conditions = request["prefetch"]["conditions"]
    episode = json.dumps(conditions["entry"][0]).replace('"active"', '"resolved"').replace("cond-sci", "cond-past-<n>")
    room = size - len(json.dumps(request)) - 16  # 16: room for the digits of "total"
    past: list[dict] = []
    while len(past) < 400 and room > (cost := len(episode) + 2 + len(str(len(past)))):
        past.append(json.loads(episode.replace("<n>", str(len(past)))))
        room -= cost
    conditions["entry"] += past
    conditions["total"] = len(conditions["entry"])
    body = json.dumps(request).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def send(url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body of one request (a POST of JSON when there is a body), errors included."""
    headers = ({"Content-Type": "application/json"} if body is not None else {}) | (headers or {})
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def without_uuids(value):
    """Cards with their random uuids left out (every answer has new ones)."""
    if isinstance(value, dict):
        return {k: without_uuids(v) for k, v in value.items() if k != "uuid"}
    if isinstance(value, list):
        return [without_uuids(v) for v in value]
    return value


def card_links(answer: bytes) -> list[str]:
    """Every absolute link of every card: its source and its links."""
    cards = json.loads(answer)["cards"]
    return [c["source"]["url"] for c in cards] + [
        link["url"] for c in cards for link in c.get("links", []) if link["type"] == "absolute"
    ]


def bundle_links(answer: bytes) -> list[str]:
    """A searchset's self link and the fullUrl of each entry."""
    bundle = json.loads(answer)
    return [link["url"] for link in bundle["link"]] + [e["fullUrl"] for e in bundle["entry"]]


def test_a_25_kb_hook_call_passes_the_proxy_and_gets_the_cards_it_gets_directly(gunicorn, nginx):
    base, _ = gunicorn(SCIATICA_PROXY_HOPS="1")
    proxy = nginx(base)
    body = padded(25_000)
    direct, proxied = send(base + HOOK, body), send(proxy + HOOK, body)
    assert direct[0] == proxied[0] == 200, proxied
    assert json.loads(direct[2])["cards"] and card_links(direct[2])
    same = json.loads(direct[2].decode().replace(base, proxy))  # the links differ by the address called, no more
    assert without_uuids(json.loads(proxied[2])) == without_uuids(same)


# The app takes 16 KiB on /v1 and 1 MiB on /cds-services: nginx lets exactly as much through and refuses the rest
# itself, as problem+json; so do its other refusals.
@pytest.mark.parametrize(
    ("path", "body", "headers", "status"),
    [
        (HOOK, padded(Config.CDS_MAX_CONTENT_LENGTH), {}, 200),
        (HOOK, padded(Config.CDS_MAX_CONTENT_LENGTH + 1), {}, 413),
        (HOOK, padded(2 * 1024 * 1024), {}, 413),
        (HOOK + "/feedback", padded(Config.CDS_MAX_CONTENT_LENGTH + 1), {}, 413),
        ("/v1/recommendations", b'{"age": 40}' + b" " * (Config.MAX_CONTENT_LENGTH - 11), {}, 200),
        ("/v1/recommendations", b'{"age": 40}' + b" " * (Config.MAX_CONTENT_LENGTH - 10), {}, 413),
        ("/v1/tips?q=" + "x" * 9000, None, {}, 414),
        ("/v1/tips", None, {"X-Padding": "x" * 9000}, 431),
    ],
    ids=["cds-1MiB", "cds-1MiB+1", "cds-2MiB", "feedback-1MiB+1", "v1-16KiB", "v1-16KiB+1", "long-uri", "big-header"],
)
def test_nginx_passes_what_the_app_takes_and_refuses_the_rest_as_problem_json(
    gunicorn, nginx, path, body, headers, status
):
    proxy = nginx(gunicorn()[0])
    got, head, answer = send(proxy + path, body, headers | {"X-Request-ID": "proxy-limits-1"})
    assert got == status, answer[:300]
    if status >= 400:
        assert head["Content-Type"] == "application/problem+json" and head["Cache-Control"] == "no-store"
        problem = json.loads(answer)
        assert problem["status"] == status and problem["title"] and problem["detail"]
        assert head["X-Request-ID"] == problem["request_id"]
        if status == 413:  # the caller's id, when nginx got as far as reading the headers
            assert problem["request_id"] == "proxy-limits-1"


def test_a_service_that_is_down_answers_502_as_problem_json(gunicorn, nginx):
    base, server = gunicorn()
    proxy = nginx(base)
    stop(server)
    status, head, answer = send(proxy + "/v1/recommendations", b'{"age": 40}')
    assert (status, head["Content-Type"]) == (502, "application/problem+json")
    assert json.loads(answer)["status"] == 502


# Through nginx (one trusted proxy), in this order on one proxy and its cache: extra headers, the base the links
# use, and whether the FHIR search comes from the cache on the first and second call.
LINK_CASES = [
    (SPOOFED, "{proxy}", ("MISS", "HIT")),  # a client's own X-Forwarded-* never reach the app
    ({}, "{proxy}", ("HIT", "HIT")),  # the address called, host and port: the same cache entry
    ({"Host": "localhost:{port}"}, "http://localhost:{port}", ("MISS", "HIT")),  # another name: its own links
    ({"Host": "cds.example.org"}, "http://cds.example.org", ("MISS", "HIT")),  # no port called: the scheme's
]


def test_links_through_the_proxy_name_the_host_and_port_called(gunicorn, nginx):
    proxy = nginx(gunicorn(SCIATICA_PROXY_HOPS="1")[0])
    port = proxy.rsplit(":", 1)[1]
    for extra, expected, cache in LINK_CASES:
        headers = {k: v.format(port=port) for k, v in extra.items()}
        public = expected.format(proxy=proxy, port=port) + "/"
        status, _, answer = send(proxy + HOOK, padded(25_000), headers)
        assert status == 200 and card_links(answer), answer[:300]
        assert all(url.startswith(public) for url in card_links(answer)), (headers, card_links(answer))
        for attempt in cache:
            status, head, answer = send(proxy + SEARCH, headers=headers)
            assert (status, head["X-Cache-Status"]) == (200, attempt), headers
            assert all(url.startswith(public + "fhir/") for url in bundle_links(answer)), (headers, answer[:300])
    status, _, answer = send(proxy + HOOK, padded(25_000))
    for url in card_links(answer):  # and they work, through the proxy
        assert send(url)[0] == 200, url


# Without trusted proxies forwarded host and port are ignored (gunicorn itself trusts X-Forwarded-Proto from
# loopback); a configured public base URL wins over the request.
@pytest.mark.parametrize(
    ("env", "through_proxy", "spoofed", "expected"),
    [
        ({}, False, SPOOFED_HOST, "{base}"),
        (
            {"SCIATICA_PROXY_HOPS": "1", "SCIATICA_PUBLIC_BASE_URL": "https://cds.example.org"},
            True,
            SPOOFED,
            "https://cds.example.org",
        ),
    ],
    ids=["no-trusted-proxy", "public-base-url"],
)
def test_links_ignore_untrusted_forwarded_headers_and_follow_the_public_base_url(
    gunicorn, nginx, env, through_proxy, spoofed, expected
):
    base, _ = gunicorn(**env)
    public = expected.format(base=base) + "/"
    entry = nginx(base) if through_proxy else base
    status, _, answer = send(entry + HOOK, padded(25_000), spoofed)
    assert status == 200 and all(url.startswith(public) for url in card_links(answer)), card_links(answer)
    status, _, answer = send(entry + SEARCH, headers=spoofed)
    links = bundle_links(answer)  # the self link, then each entry's fullUrl
    assert status == 200 and len(links) > 1 and all(url.startswith(public + "fhir/") for url in links), links
