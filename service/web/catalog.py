"""Every content representation serialised once per language at startup, served as bytes with a strong ETag."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

import marshmallow as ma
import orjson
from flask import Response, request

from service.engine.models import KnowledgeBase
from service.schemas.base import dump_in

JSON = "application/json"


def etag_of(body: bytes) -> str:
    """Strong ETag from the bytes: identical on every worker and after restarts."""
    return hashlib.sha256(body).hexdigest()[:32]


class Catalog:
    """Pre-dumped content per language; `render` builds a response, answering 304 when the ETag matches."""

    def __init__(self, kb: KnowledgeBase, max_age: int) -> None:
        self.kb = kb
        self.cache_control = f"public, max-age={max_age}"
        self._dumped: dict[tuple[str, str], Any] = {}
        self._bytes: dict[tuple[str, str], tuple[bytes, str]] = {}
        self._types: dict[str, str] = {}  # media type of the representations that are not JSON (pictures)
        self.paths: list[str] = []  # GET paths answered by one representation alone (the fast lane replays them)

    def add(self, name: str, build: Callable[[str], Any], path: str | None = None) -> None:
        """Keep `build(lang)` for every language, as data and as bytes; `path`: a plain GET sends it."""
        if path:
            self.paths.append(path)
        for lang in self.kb.languages:
            data = build(lang)
            body = orjson.dumps(data)
            self._dumped[name, lang] = data
            self._bytes[name, lang] = (body, etag_of(body))

    def add_bytes(self, name: str, body: bytes, mimetype: str, path: str | None = None) -> None:
        """Keep `body` as it is, the same in every language (a picture); `path`: a plain GET sends it."""
        if path:
            self.paths.append(path)
        self._types[name] = mimetype
        for lang in self.kb.languages:
            self._bytes[name, lang] = (body, etag_of(body))

    def add_dump(self, name: str, schema: ma.Schema, obj: Any, path: str | None = None) -> None:
        """Keep `schema`'s dump of `obj` in every language (see `add`)."""
        self.add(name, partial(dump_in, schema=schema, obj=obj), path)

    def data(self, name: str, lang: str) -> Any:
        return self._dumped[name, lang]

    def language(self) -> str:
        """The best language for this request (Accept-Language), English by default."""
        return request.accept_languages.best_match(self.kb.languages, default=self.kb.languages[0]) or "en"

    def send(self, name: str) -> Response:
        """The prebuilt representation `name` in the negotiated language."""
        lang = self.language()
        body, etag = self._bytes[name, lang]
        return self.respond(body, etag, lang, self._types.get(name, JSON))

    def send_data(self, data: Any, lang: str) -> Response:
        """A representation assembled per request (filtered lists)."""
        body = orjson.dumps(data)
        return self.respond(body, etag_of(body), lang)

    def respond(self, body: bytes, etag: str, lang: str, mimetype: str = JSON) -> Response:
        headers = {"Cache-Control": self.cache_control, "Vary": "Accept-Language", "Content-Language": lang}
        if request.if_none_match.contains(etag):
            response = Response(status=304, headers=headers)
        else:
            response = Response(body, mimetype=mimetype, headers=headers)
        response.set_etag(etag)
        return response
