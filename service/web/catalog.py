"""Every content representation serialised once per language at startup, served as bytes with a strong ETag."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import marshmallow as ma
import orjson
from flask import Response, request
from flask_smorest import abort

from service.engine.models import DEFAULT_LANGUAGE, KnowledgeBase, language_for
from service.schemas.base import dump_in
from service.web.security import csp_for

JSON = "application/json"


def etag_of(body: bytes) -> str:
    """Strong ETag from the bytes: identical on every worker and after restarts."""
    return hashlib.sha256(body).hexdigest()[:32]


@dataclass(frozen=True)
class Representation:
    """One representation's bytes and ETag, its media type, and (for large ones) its gzip bytes, made once."""

    body: bytes
    etag: str
    mimetype: str = JSON
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, mimetype: str = JSON, compress: bool = False) -> Representation:
        # mtime=0: the same bytes (and ETag) on every worker and after restarts
        return cls(body, etag_of(body), mimetype, gzip.compress(body, 9, mtime=0) if compress else None)


class Catalog:
    """Pre-dumped content per language; `render` builds a response, answering 304 when the ETag matches."""

    def __init__(self, kb: KnowledgeBase, max_age: int) -> None:
        self.kb = kb
        self.cache_control = f"public, max-age={max_age}"
        self._dumped: dict[tuple[str, str], Any] = {}
        self._bytes: dict[tuple[str, str], Representation] = {}
        self._english: set[str] = set()  # representations with no text in another language: never negotiated
        self.paths: list[str] = []  # GET paths answered by one representation alone (the fast lane replays them)

    def add(self, name: str, build: Callable[[str], Any], path: str | None = None, compress: bool = False) -> None:
        """Keep `build(lang)` for every language, as data and as bytes; `path`: a plain GET sends it (the fast lane
        replays it, so not for a representation sent gzipped: `compress` keeps gzip bytes too, sent when accepted)."""
        if path and compress:
            raise ValueError(f"{name}: the fast lane replays one encoding; a compressed representation takes no path")
        if path:
            self.paths.append(path)
        for lang in self.kb.languages:
            data = build(lang)
            self._dumped[name, lang] = data
            self._bytes[name, lang] = Representation.of(orjson.dumps(data), compress=compress)
        self._note_language(name)

    def add_bytes(self, name: str, build: Callable[[str], bytes], mimetype: str, path: str | None = None) -> None:
        """Keep the bytes `build(lang)` of media type `mimetype` for every language (see `add`)."""
        if path:
            self.paths.append(path)
        for lang in self.kb.languages:
            self._bytes[name, lang] = Representation.of(build(lang), mimetype)
        self._note_language(name)

    def _note_language(self, name: str) -> None:
        if len({self._bytes[name, lang].body for lang in self.kb.languages}) == 1 and len(self.kb.languages) > 1:
            self._english.add(name)

    def add_dump(self, name: str, schema: ma.Schema, obj: Any, path: str | None = None) -> None:
        """Keep `schema`'s dump of `obj` in every language (see `add`)."""
        self.add(name, partial(dump_in, schema=schema, obj=obj), path)

    def data(self, name: str, lang: str) -> Any:
        return self._dumped[name, lang]

    def body(self, name: str, lang: str) -> bytes:
        """The bytes `send` answers for `name` in `lang` (uncompressed)."""
        return self._bytes[name, lang].body

    def language(self) -> str:
        """This request's language: `?lang=` when given (one of the content's, else a 422 naming it), else the best
        match for Accept-Language, English by default."""
        asked = request.args.get("lang")
        if asked is None:
            return self.lookup([value for value, q in request.accept_languages if q > 0])
        if asked not in self.kb.languages:
            abort(422, errors={"query": {"lang": [f"Must be one of: {', '.join(self.kb.languages)}."]}})
        return asked

    def lookup(self, ranges: list[str]) -> str:
        """RFC 4647 lookup: the first range (most preferred first) that, cut back tag by tag (es-MX, es), is one of
        the content's languages; '*' or no match: English. (Werkzeug's best_match would pick a lower-ranked exact
        match, Spanish at q=0.5, over English for en-GB.)"""
        for value in ranges:
            found = DEFAULT_LANGUAGE if value == "*" else language_for(value, self.kb.languages)
            if found:
                return found
        return DEFAULT_LANGUAGE

    def fallback(self, lang: str) -> bool:
        """Whether the answer is not in the language the client prefers most (its first Accept-Language range)."""
        if "lang" in request.args:
            return lang != request.args["lang"]
        preferred = next((value for value, q in request.accept_languages if q > 0), "*")
        return preferred != "*" and language_for(preferred, (lang,)) != lang

    def send(self, name: str) -> Response:
        """The prebuilt representation `name` in the negotiated language, gzipped when it has gzip bytes and the
        client accepts them (each encoding has its own strong ETag, as RFC 9110 asks)."""
        lang = DEFAULT_LANGUAGE if name in self._english else self.language()
        rep = self._bytes[name, lang]
        varies = name not in self._english
        if rep.gzipped is None:
            return self.respond(rep.body, rep.etag, lang, rep.mimetype, varies)
        zipped = request.accept_encodings["gzip"] > 0
        body, etag = (rep.gzipped, f"{rep.etag}-gzip") if zipped else (rep.body, rep.etag)
        response = self.respond(body, etag, lang, rep.mimetype, varies)
        response.vary.add("Accept-Encoding")
        if zipped and response.status_code == 200:
            response.content_encoding = "gzip"
        return response

    def send_data(self, data: Any, lang: str, fallback: bool | None = None) -> Response:
        """A representation assembled per request (filtered lists); `fallback`: see `respond`."""
        body = orjson.dumps(data)
        return self.respond(body, etag_of(body), lang, fallback=fallback)

    def respond(
        self, body: bytes, etag: str, lang: str, mimetype: str = JSON, varies: bool = True, fallback: bool | None = None
    ) -> Response:
        """`body` with its validators and language headers; `varies`: chosen by Accept-Language (else English only);
        `fallback`: whether `lang` is not the language asked for, when the view read the request's language from a
        parameter of its own (else `self.fallback`)."""
        fallback = self.fallback(lang) if fallback is None else fallback
        headers = language_headers(lang, fallback, varies) | {"Cache-Control": self.cache_control}
        if request.if_none_match.contains(etag):
            # a 304 updates the cached answer's headers (RFC 9111 4.3.4): the 200's policy, not the pages' default
            headers["Content-Security-Policy"] = csp_for(mimetype)
            response = Response(status=304, headers=headers)
        else:
            response = Response(body, mimetype=mimetype, headers=headers)
        response.set_etag(etag)
        return response


def language_headers(lang: str, fallback: bool, varies: bool = True) -> dict[str, str]:
    """Content-Language, Language-Fallback (true: not the language the client prefers most) and, where the answer
    is chosen by Accept-Language, Vary."""
    headers = {"Content-Language": lang, "Language-Fallback": "true" if fallback else "false"}
    return headers | ({"Vary": "Accept-Language"} if varies else {})
