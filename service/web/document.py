"""The OpenAPI document, finished once: the headers every response carries, and a full example for every 200 taken
from the app's own answers (catalog items, the engine's answer to the documented request), so examples never drift.
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from apispec import APISpec

from service.openapi import CORS_HEADERS, LANGUAGE_HEADERS, RATE_LIMIT_HEADERS, limited_path, operations
from service.web.fastlane import WSGIApp, call
from service.web.logs import EXAMPLES

KEEP = 2  # list items an example keeps: enough to show the shape, short enough to read
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def trimmed(value: Any) -> Any:
    """`value` with every list cut to its first KEEP items, at any depth."""
    if isinstance(value, list):
        return [trimmed(v) for v in value[:KEEP]]
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    return value


def stable(text: str, seed: str) -> str:
    """`text` with each random UUID (a card's, new on every answer) replaced by a fixed one, the same for the same
    UUID: the document is generated identically every time."""
    fixed: dict[str, str] = {}

    def fix(match: re.Match[str]) -> str:
        digest = hashlib.sha256(f"{seed}:{len(fixed)}".encode()).digest()[:16]
        return fixed.setdefault(match[0], str(uuid.UUID(bytes=digest, version=4)))

    return UUID.sub(fix, text)


def follow(doc: dict[str, Any], node: Any) -> Any:
    """`node`, or what its local `$ref` names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def from_schema(doc: dict[str, Any], schema: Any) -> Any:
    """A value built from a schema's own examples (its example, first enum value, or its parts'), else None."""
    schema = follow(doc, schema)
    if not isinstance(schema, dict):
        return None
    if schema.get("example") is not None:
        return schema["example"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "properties" in schema:
        fields = {name: from_schema(doc, prop) for name, prop in schema["properties"].items()}
        return {name: value for name, value in fields.items() if value is not None}
    if "items" in schema:
        item = from_schema(doc, schema["items"])
        return None if item is None else [item]
    parts = schema.get("allOf") or schema.get("anyOf") or schema.get("oneOf") or [None]
    return from_schema(doc, parts[0])


def sample_value(doc: dict[str, Any], param: Mapping[str, Any]) -> Any:
    """A parameter's documented value: its example, else its schema's."""
    return param["example"] if param.get("example") is not None else from_schema(doc, param.get("schema", {}))


def request_body(doc: dict[str, Any], op: Mapping[str, Any]) -> bytes:
    """The operation's documented JSON request: its first named example, its example, or its schema's examples."""
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return b""
    if media.get("examples"):
        return orjson.dumps(follow(doc, next(iter(media["examples"].values())))["value"])
    return orjson.dumps(media["example"] if "example" in media else from_schema(doc, media.get("schema", {})))


def response_headers(path: str, code: str) -> dict[str, Any]:
    """The headers a response of `path` with status `code` carries: CORS always; on a 2xx or 4xx, the X-RateLimit-*
    of a limited path (a 429 also Retry-After), elsewhere the stated exception."""
    names: tuple[str, ...] = (*CORS_HEADERS, "Content-Language")
    headers = {}
    if code[0] in "24" and limited_path(path):
        names += (*RATE_LIMIT_HEADERS, *(("Retry-After",) if code == "429" else ()))
    elif code[0] in "24":
        headers["X-RateLimit-Limit"] = {"$ref": "#/components/headers/NotRateLimited"}
    return headers | {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def document_headers(doc: dict[str, Any]) -> None:
    """Every response states the headers the service sends (`response_headers`); a shared response is kept once
    per header set (NAME, and NAME_NOT_LIMITED for operations without rate limits)."""
    responses = doc.setdefault("components", {}).setdefault("responses", {})
    shared = dict(responses)
    responses.clear()
    for path, _, op in operations(doc, with_path=True):
        translated = any(p.get("name") == "lang" for p in op.get("parameters", ()))
        for code, response in op["responses"].items():
            wanted = response_headers(path, str(code))
            if translated and str(code).startswith("2"):
                wanted |= {name: {"$ref": f"#/components/headers/{name}"} for name in LANGUAGE_HEADERS}
            if "$ref" not in response:
                response["headers"] = wanted | response.get("headers", {})
                continue
            name = response["$ref"].rsplit("/", 1)[1]
            variant = name if "NotRateLimited" not in str(wanted) else f"{name}_NOT_LIMITED"
            if variant not in responses:
                responses[variant] = copy.deepcopy(shared[name])
                responses[variant]["headers"] = wanted | responses[variant].get("headers", {})
            response["$ref"] = f"#/components/responses/{variant}"


class Examples:
    """Fills each operation's 200 with what the app answers to the operation's documented request."""

    def __init__(self, app: WSGIApp, known_paths: Iterable[str]) -> None:
        self.app, self.known_paths = app, list(known_paths)
        self.values: dict[str, str] = {}  # path parameter -> a value that exists (from another operation's match)

    def path_value(self, doc: dict[str, Any], template: str, param: Mapping[str, Any]) -> str | None:
        value = sample_value(doc, param)
        if value is not None:
            return str(value)
        pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for path in self.known_paths:
            if match := re.fullmatch(pattern, path):
                self.values.update(match.groupdict())
                break
        return self.values.get(param["name"])

    def url(self, doc: dict[str, Any], template: str, params: list[dict[str, Any]]) -> str | None:
        path, query = template, []
        for param in (follow(doc, p) for p in params):
            if param["in"] == "path":
                value = self.path_value(doc, template, param)
                if value is None:
                    return None
                path = path.replace("{" + param["name"] + "}", value)
            elif param["in"] == "query" and param.get("required"):
                query.append(f"{param['name']}={sample_value(doc, param)}")
        return path + ("?" + "&".join(query) if query else "")

    def fill(self, doc: dict[str, Any]) -> None:
        quiet = EXAMPLES.set(True)  # not real calls: nothing they would log is logged
        try:
            self.fill_each(doc)
        finally:
            EXAMPLES.reset(quiet)

    def fill_each(self, doc: dict[str, Any]) -> None:
        for template, method, op in operations(doc, with_path=True):
            ok = follow(doc, op["responses"].get("200", {}))
            params = [*doc["paths"][template].get("parameters", []), *op.get("parameters", [])]
            url, body = self.url(doc, template, params), request_body(doc, op)
            if url is None:
                continue
            for kind, media in ok.get("content", {}).items():
                headers = {"Accept": kind} | ({"Content-Type": "application/json"} if body else {})
                (status, sent, answer), _ = call(self.app, method.upper(), url, headers, body)
                sent_kind = dict(sent).get("Content-Type", "").split(";")[0]
                if status.startswith("200 ") and sent_kind == kind:
                    text = stable(answer.decode(), f"{method} {template}")
                    media["example"] = trimmed(orjson.loads(text)) if "json" in kind else text


class Document(APISpec):
    """An APISpec whose dict is finished once, when first asked for (after every blueprint is registered)."""

    finishers: list[Callable[[dict[str, Any]], None]]
    finished: dict[str, Any] | None

    @classmethod
    def adopt(cls, spec: APISpec, *finishers: Callable[[dict[str, Any]], None]) -> None:
        """Make flask-smorest's APISpec this class (it builds the instance itself), finishing with `finishers`."""
        spec.__class__ = cls
        assert isinstance(spec, Document)
        spec.finishers, spec.finished = list(finishers), None

    def to_dict(self) -> dict[str, Any]:
        if self.finished is None:
            doc = copy.deepcopy(super().to_dict())  # apispec hands out its own dicts, some shared by every app
            document_headers(doc)
            for finish in self.finishers:
                finish(doc)
            self.finished = doc
        return self.finished
