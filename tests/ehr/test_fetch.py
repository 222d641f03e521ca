"""Fetching what the EHR did not prefetch: the same cards as with prefetch, or a 412 that says why; never a call to
a server off the allow-list, never the token or an answer's content in a response or a log line."""

import contextlib
import copy
import functools
import json
import logging
import socket
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from service import create_app
from service.api.ehr import cds_hooks
from service.ehr.fetch import Fetcher, fill
from service.ehr.fetch.servers import allow_list, allowed
from service.ehr.hooks import prefetch_templates
from tests.ehr.conftest import CASES, cases, ehr_context
from tests.loopback import free_port

TOKEN = "eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2Vu.sig"
MARKER = "Jane-Doe-MRN-4711"  # stands for patient data in an answer: it must never be repeated or logged
FULL = ("patient", "conditions", "medications", "pregnancy")
FAST = {"FHIR_FETCH_TIMEOUT": 0.3, "FHIR_FETCH_BUDGET": 1.5}
TYPES = {
    "patient": "Patient",
    "conditions": "Condition",
    "medications": "MedicationRequest",
    "pregnancy": "Observation",
}


class FhirServer:
    """A FHIR server on loopback at /fhir: answers the service's prefetch queries with one fixture's prefetch,
    checks the bearer token, and misbehaves on request (`modes`: prefetch key, or "*", -> mode)."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.fhir = self  # type: ignore[attr-defined]
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}/fhir"
        self.reset()

    def reset(self) -> None:
        self.routes: dict[tuple, tuple[str, object]] = {}
        self.modes: dict[str, str] = {}
        self.seen: list[tuple[str, str]] = []  # (Host header, path) of every request
        self.connections = 0

    def serve(self, case: dict, keys=FULL) -> "FhirServer":
        """Answer the prefetch queries of `keys` with the fixture's prefetch (null: nothing found)."""
        templates = prefetch_templates(ehr_context().codes)
        for key in keys:
            if key in case["request"].get("prefetch", {}):
                parts = urlsplit("/fhir/" + fill(templates[key], case["request"]["context"]))
                self.routes[(parts.path, tuple(sorted(parse_qsl(parts.query))))] = (
                    key,
                    case["request"]["prefetch"][key],
                )
        return self

    def __enter__(self) -> "FhirServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Handler(BaseHTTPRequestHandler):
    def setup(self) -> None:
        self.server.fhir.connections += 1
        super().setup()

    def log_message(self, *args) -> None:
        """Quiet."""

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # the service hung up (a timeout or a size cap): expected here
            super().handle()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        fhir: FhirServer = self.server.fhir
        fhir.seen.append((self.headers.get("Host", ""), self.path))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.answer(401, {"resourceType": "OperationOutcome", "text": MARKER})
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        if "_page" in query:  # a next page: "<key>:<index>"
            key, index = query["_page"].split(":")
            return self.page(key, next(v for k, v in fhir.routes.values() if k == key), int(index))
        key, value = fhir.routes.get((parts.path, tuple(sorted(parse_qsl(parts.query)))), ("", None))
        mode = fhir.modes.get(key, fhir.modes.get("*", "ok"))
        if not key or (value is None and parts.path.startswith("/fhir/Patient/")):
            return self.answer(404, {"resourceType": "OperationOutcome"})
        value = value if value is not None else {"resourceType": "Bundle", "type": "searchset", "total": 0}
        if mode.startswith("paged"):
            return self.page(key, value, 0)
        self.misbehave(mode, value)

    def misbehave(self, mode: str, value) -> None:
        if mode == "slow":
            time.sleep(1.0)
        if mode in ("ok", "slow"):
            return self.answer(200, value)
        if mode.isdigit():
            return self.answer(int(mode), {"resourceType": "OperationOutcome", "text": MARKER})
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.server.fhir.port}{self.path}")
            return self.end_headers()
        if mode == "not-fhir":
            return self.answer(200, {"resourceType": "OperationOutcome", "text": MARKER})
        body = {"malformed": f'{{"resourceType": "Bundle", "entry": [{MARKER}', "html": f"<p>{MARKER}</p>"}
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if mode == "html" else "application/fhir+json")
        if mode == "huge-declared":
            self.send_header("Content-Length", str(100 * 1024 * 1024))
        self.end_headers()
        if mode in body:
            self.wfile.write(body[mode].encode())
        for _ in range(30 if mode == "drip" else 48 if mode == "huge" else 0):
            self.wfile.write(b" " if mode == "drip" else b" " * 65536)
            time.sleep(0.1 if mode == "drip" else 0)

    def page(self, key: str, bundle: dict, index: int) -> None:
        """One entry per page; the next link on this server ("paged"), or on another host ("paged-foreign")."""
        fhir: FhirServer = self.server.fhir
        entries = bundle.get("entry", [])
        out = bundle | {"entry": entries[index : index + 1]}
        if index + 1 < len(entries):
            host = "localhost" if fhir.modes.get(key) == "paged-foreign" else "127.0.0.1"
            out["link"] = [{"relation": "next", "url": f"http://{host}:{fhir.port}/fhir?_page={key}:{index + 1}"}]
        self.answer(200, out)

    def answer(self, status: int, value) -> None:
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def fhir():
    with FhirServer() as server:
        yield server


@functools.cache
def app_with(**config):
    """An app built with extra configuration (one per configuration: building one takes a while)."""
    return create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0} | config)


@pytest.fixture(scope="module")
def fetching_app(fhir):
    """The app with the loopback server allowed and short limits."""
    return app_with(FHIR_SERVERS=fhir.base, **FAST)


@pytest.fixture()
def post(fhir, monkeypatch):
    """POST a fixture (or its changed request) on the fixture's date, to the fetching app or another one."""
    fhir.reset()

    def send(case, request=None, app=None, **config):
        monkeypatch.setattr(cds_hooks, "today", lambda: date.fromisoformat(case["today"]))
        app = app or app_with(**config)
        return app.test_client().post(f"/cds-services/{case['service']}", json=request or case["request"])

    return send


def unfetched(case, fhir, keep=(), **changes):
    """The fixture's request without the prefetch (but `keep`), pointing at the loopback server with the token."""
    request = copy.deepcopy(case["request"])
    request["prefetch"] = {k: v for k, v in request.get("prefetch", {}).items() if k in keep}
    if not keep:
        del request["prefetch"]
    auth = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 300, "scope": "patient/*.read"}
    request |= {"fhirServer": fhir.base, "fhirAuthorization": auth | {"subject": "sciatica-cds"}}
    for key, value in changes.items():
        if value is None:
            request.pop(key, None)
        else:
            request[key] = value
    return request


def without_uuids(value):
    if isinstance(value, dict):
        return {k: without_uuids(v) for k, v in value.items() if k != "uuid"}
    return [without_uuids(v) for v in value] if isinstance(value, list) else value


COMPLETE = cases(lambda c: c["expect"]["status"] == 200 and set(c["request"].get("prefetch", {})) == set(FULL))


@pytest.mark.parametrize("case", COMPLETE)
def test_fetched_data_gives_the_same_cards_as_prefetched(case, fhir, fetching_app, post):
    prefetched = post(case, app=fetching_app)
    fetched = post(case, unfetched(case, fhir.serve(case)), fetching_app)
    assert fetched.status_code == 200, fetched.get_data(as_text=True)
    assert without_uuids(fetched.get_json()) == without_uuids(prefetched.get_json())
    assert all(host == f"127.0.0.1:{fhir.port}" for host, _ in fhir.seen)


@pytest.mark.parametrize(
    "name, keep",
    [
        ("pv-acute-sciatica", ("conditions",)),
        ("pv-snomed-ckd-warfarin-subacute", ("patient", "pregnancy")),
        ("osign-naproxen-apixaban", ("patient", "conditions")),
        ("os-ibuprofen-pregnant-30-weeks", ("medications",)),
    ],
)
def test_what_the_ehr_prefetched_is_used_and_only_the_rest_fetched(name, keep, fhir, fetching_app, post):
    case = CASES[name]
    fetched = post(case, unfetched(case, fhir.serve(case), keep), fetching_app)
    assert without_uuids(fetched.get_json()) == without_uuids(post(case, app=fetching_app).get_json())
    asked = [path.split("?")[0].split("/")[2] for _, path in fhir.seen]
    assert sorted(asked) == sorted(TYPES[k] for k in FULL if k not in keep)


def test_a_call_with_no_order_to_check_fetches_nothing(fhir, fetching_app, post):
    case = CASES["os-unrelated-order-no-prefetch"]
    response = post(case, unfetched(case, fhir.serve(case)), fetching_app)
    assert response.status_code == 200 and response.get_json() == {"cards": []}
    assert fhir.connections == 0


PV, ORDER = CASES["pv-acute-sciatica"], CASES["osign-naproxen-apixaban"]


@pytest.mark.parametrize(
    "case, changes, modes, config, why",
    [
        pytest.param(PV, {"fhirServer": None}, {}, {}, "the request has no fhirServer", id="no-fhir-server"),
        pytest.param(PV, {}, {}, {"FHIR_SERVERS": ""}, "does not query the EHR's FHIR server", id="fetching-off"),
        pytest.param(PV, {}, {}, {"FHIR_SERVERS": "http://127.0.0.1:1/fhir"}, "allow-list", id="other-server"),
        pytest.param(PV, {}, {}, {"FHIR_SERVERS": "https://127.0.0.1:{port}/fhir"}, "allow-list", id="https-only"),
        pytest.param(PV, {"fhirServer": "http://127.0.0.1:{port}/other"}, {}, {}, "allow-list", id="other-path"),
        pytest.param(PV, {"fhirServer": "http://127.0.0.1:{port}/fhirx"}, {}, {}, "allow-list", id="path-prefix"),
        pytest.param(PV, {"fhirServer": "http://127.0.0.1:{port}/fhir/../x"}, {}, {}, "allow-list", id="dot-segment"),
        pytest.param(PV, {"fhirServer": "http://u@127.0.0.1:{port}/fhir"}, {}, {}, "allow-list", id="user-info"),
        pytest.param(PV, {"fhirAuthorization": None}, {}, {}, "no fhirAuthorization", id="no-token"),
        pytest.param(PV, {"expires_in": 0}, {}, {}, "token has expired", id="expired-token"),
        pytest.param(PV, {"access_token": "other"}, {}, {}, "refused the token (401)", id="wrong-token"),
        pytest.param(ORDER, {}, {"*": "401"}, {}, "refused the token (401)", id="server-401"),
        pytest.param(
            ORDER,
            {},
            {"medications": "403"},
            {},
            "Prefetch medications is required and could not be fetched from the EHR's FHIR server: "
            "the FHIR server refused the token (403).",
            id="one-403",
        ),
        pytest.param(PV, {}, {"conditions": "500"}, {}, "answered 500", id="server-error"),
        pytest.param(PV, {}, {"*": "slow"}, {}, "did not answer in time", id="slow"),
        pytest.param(PV, {}, {"*": "drip"}, {}, "did not answer in time", id="drip-past-the-budget"),
        pytest.param(PV, {}, {"*": "huge"}, {}, "larger than 2097152 bytes", id="huge"),
        pytest.param(PV, {}, {"*": "huge-declared"}, {}, "larger than 2097152 bytes", id="huge-declared"),
        pytest.param(PV, {}, {"*": "malformed"}, {}, "not valid JSON", id="malformed"),
        pytest.param(PV, {}, {"*": "not-fhir"}, {}, "not a Bundle", id="not-a-bundle"),
        pytest.param(PV, {}, {"*": "html"}, {}, "not JSON", id="html"),
        pytest.param(PV, {}, {"*": "redirect"}, {}, "redirect (302), which is not followed", id="redirect"),
        pytest.param(CASES["pv-missing-conditions"], {}, {}, {}, "answered 404", id="not-on-the-server"),
    ],
)
def test_data_that_cannot_be_had_is_412_saying_why(case, changes, modes, config, why, fhir, post, caplog):
    fhir.serve(case).modes.update(modes)
    auth = {k: changes.pop(k) for k in ("expires_in", "access_token") if k in changes}
    changes = {k: v.format(port=fhir.port) if isinstance(v, str) else v for k, v in changes.items()}
    request = unfetched(case, fhir, **changes)
    request.get("fhirAuthorization", {}).update(auth)
    config = {k: v.format(port=fhir.port) for k, v in config.items()}
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="service.cds"):
        response = post(case, request, **({"FHIR_SERVERS": fhir.base} | FAST | config))
    assert time.monotonic() - started < 3, "the budget (1.5 s) bounds the call"
    assert response.status_code == 412 and response.mimetype == "application/problem+json"
    detail = response.get_json()["detail"]
    assert why in detail and detail.startswith("Prefetch ")
    for secret in (TOKEN, MARKER, case["request"]["context"]["patientId"]):
        assert secret not in response.get_data(as_text=True) and secret not in caplog.text
    assert not any(host.startswith("localhost") for host, _ in fhir.seen), "no redirect followed"
    if "allow-list" in why or why == "the request has no fhirServer" or "does not query" in why:
        assert fhir.connections == 0


def test_a_server_off_the_allow_list_is_never_connected_to(fhir, post, monkeypatch):
    opened = []

    def connect(*args, **kwargs):
        opened.append(args)
        raise OSError("refused by the test")

    monkeypatch.setattr(socket, "create_connection", connect)
    request = unfetched(PV, fhir.serve(PV), fhirServer="https://ehr.example.org/fhir")
    response = post(PV, request, FHIR_SERVERS=fhir.base)
    assert response.status_code == 412 and opened == [] and fhir.connections == 0


@pytest.mark.parametrize(
    "key, mode, says",
    [
        ("pregnancy", "500", "pregnancy: could not be fetched from the EHR (the FHIR server answered 500)"),
        ("patient", "slow", "patient: could not be fetched from the EHR (the FHIR server did not answer in time)"),
    ],
    ids=["pregnancy-500", "patient-slow"],
)
def test_an_optional_key_that_cannot_be_fetched_is_said_on_the_card(key, mode, says, fhir, fetching_app, post):
    fhir.serve(PV).modes[key] = mode
    response = post(PV, unfetched(PV, fhir), fetching_app)
    assert response.status_code == 200
    (card,) = response.get_json()["cards"]
    assert says in card["detail"] and key in card["detail"].split("did not prefetch it:")[1]


@pytest.mark.parametrize(
    "mode, complete, config",
    [
        ("paged", True, {}),
        ("paged-foreign", False, {}),
        ("paged", False, {"FHIR_FETCH_MAX_PAGES": 1}),
    ],
)
def test_next_pages_are_followed_on_the_same_server_only(mode, complete, config, fhir, fetching_app, post):
    case = CASES["pv-three-sedating-medicines-soon"]
    fhir.serve(case).modes["medications"] = mode
    app = app_with(**({"FHIR_SERVERS": fhir.base} | FAST | config))
    fetched = post(case, unfetched(case, fhir), app).get_json()
    prefetched = post(case, app=fetching_app).get_json()
    assert (without_uuids(fetched) == without_uuids(prefetched)) is complete
    assert (
        "medications: the EHR's list has more pages than were fetched (1 read)" in json.dumps(fetched)
    ) is not complete
    assert not any(host.startswith("localhost") for host, _ in fhir.seen)


def test_discovery_says_whether_the_service_fetches(fetching_app, app):
    usage = {c: a.test_client().get("/cds-services").get_json()["services"][0]["usageRequirements"]
             for c, a in (("on", fetching_app), ("off", app))}  # fmt: skip
    assert "fetched from the EHR's FHIR server" in usage["on"] and "allow-list" in usage["on"]
    assert "does not call the EHR's FHIR server" in usage["off"]


@pytest.mark.parametrize(
    "servers, url, allowed_",
    [
        ("https://ehr.example.org/fhir", "https://ehr.example.org/fhir", True),
        ("https://ehr.example.org/fhir/", "https://EHR.example.org:443/fhir/r4", True),
        ("https://ehr.example.org", "https://ehr.example.org/any/base", True),
        ("https://ehr.example.org/fhir", "https://ehr.example.org/fhirx", False),
        ("https://ehr.example.org/fhir", "http://ehr.example.org/fhir", False),
        ("https://ehr.example.org/fhir", "https://ehr.example.org:8443/fhir", False),
        ("https://ehr.example.org/fhir", "https://ehr.example.org.evil.test/fhir", False),
        ("https://ehr.example.org/fhir", "https://ehr.example.org@evil.test/fhir", False),
        ("https://ehr.example.org/fhir", "https://ehr.example.org/fhir/%2e%2e/admin", False),
        ("https://ehr.example.org/fhir", "https://ehr.example.org/fhir?x=1", False),
        ("https://ehr.example.org/fhir", "file:///etc/passwd", False),
        ("http://127.0.0.1:8080/fhir", "http://127.0.0.1:8080/fhir", True),
        ("", "https://ehr.example.org/fhir", False),
    ],
)
def test_the_allow_list_admits_only_its_servers(servers, url, allowed_):
    assert (allowed(allow_list(servers), url) is not None) is allowed_


@pytest.mark.parametrize("entry", ["ftp://ehr.example.org", "https://u@ehr.example.org", "https://x/fhir?a=1", "ehr"])
def test_a_malformed_allow_list_entry_stops_start_up(entry):
    with pytest.raises(ValueError, match="FHIR_SERVERS"):
        create_app({"TESTING": True, "FHIR_SERVERS": f"https://ok.example.org,{entry}"})


def test_fetching_is_off_without_an_allow_list():
    assert Fetcher.from_config({"FHIR_SERVERS": " , "}) is None


def test_templates_are_filled_and_percent_encoded():
    templates = prefetch_templates(ehr_context().codes)
    assert fill(templates["patient"], {"patientId": "a b/c"}) == "Patient/a%20b%2Fc"
    assert "code=http://loinc.org%7C82810-3" in fill(templates["pregnancy"], {"patientId": "p1"})


def test_no_free_port_is_mistaken_for_a_server(fhir, post):
    server = f"http://127.0.0.1:{free_port()}/fhir"
    response = post(PV, unfetched(PV, fhir.serve(PV), fhirServer=server), FHIR_SERVERS=server, **FAST)
    assert response.status_code == 412 and "could not connect to the FHIR server" in response.get_json()["detail"]
