"""The problem types the API sends (RFC 9457 `type`): one page each at /problems/<slug>, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "/problems/"


@dataclass(frozen=True)
class ProblemType:
    """One kind of error: its page's slug, the status it comes with, what it means and what to do."""

    slug: str
    status: int | None  # None: any status without a page of its own
    title: str
    meaning: str
    todo: str

    @property
    def uri(self) -> str:
        return PREFIX + self.slug


TYPES = (
    ProblemType(
        "bad-request", 400, "Bad request",
        "The request could not be read: the JSON is broken, nested too deeply, or a header or body is malformed.",
        "Check that the body is valid JSON and the headers are well formed, then send it again.",
    ),
    ProblemType(
        "unauthorized", 401, "Credential needed",
        "This server checks a credential here and the request had none: an API key in X-API-Key, or, on the EHR "
        "paths, the EHR's signed JWT in Authorization.",
        "Send your API key (or the EHR's JWT). Ask the people who run this server for a key.",
    ),
    ProblemType(
        "forbidden", 403, "Credential refused",
        "The API key or JWT was sent but is not one this server accepts (unknown, expired, or for another server).",
        "Check the key or token and send it again. Do not retry the same one in a loop.",
    ),
    ProblemType(
        "not-found", 404, "Not found",
        "There is nothing at this path, or no item with this id.",
        "Check the path and the id. The lists (for example GET /v1/treatments) give every valid id.",
    ),
    ProblemType(
        "method-not-allowed", 405, "Method not allowed",
        "This path exists but does not take this HTTP method.",
        "Use one of the methods named in the Allow header.",
    ),
    ProblemType(
        "not-acceptable", 406, "Not acceptable",
        "The server cannot answer in any of the formats the Accept header asks for.",
        "Accept application/json (or the format the operation documents).",
    ),
    ProblemType(
        "precondition-failed", 412, "Data needed",
        "A CDS Hooks call lacked data the answer needs (conditions, or medicines for an order) and the server "
        "could not fetch it from the EHR. The detail names the data and why it could not be fetched.",
        "Prefetch the data the service asks for, or give it a FHIR server and token it may use.",
    ),
    ProblemType(
        "content-too-large", 413, "Body too large",
        "The request body is larger than this path accepts.",
        "Send a smaller body. The limit is in the documentation of the operation.",
    ),
    ProblemType(
        "unsupported-media-type", 415, "Wrong body format",
        "The body is not sent as application/json.",
        "Send the body as JSON with the header Content-Type: application/json.",
    ),
    ProblemType(
        "validation-error", 422, "Invalid fields",
        "Some fields or query parameters have values the API does not accept. The errors list names each field, "
        "where it was, and what is wrong with it.",
        "Fix each field named in errors and send the request again. GET /v1/factors lists the ids a report may use.",
    ),
    ProblemType(
        "too-many-requests", 429, "Too many requests",
        "This caller (its API key, or its address without one) used up its requests for the current time window.",
        "Wait the number of seconds in the Retry-After header, then try again. Watch X-RateLimit-Remaining.",
    ),
    ProblemType(
        "server-error", 500, "Server error",
        "Something went wrong on the server. Nothing you sent was stored.",
        "Try again later. If it keeps happening, tell the people who run this server the request_id.",
    ),
    ProblemType(
        "http-error", None, "Other HTTP error",
        "An HTTP error without a page of its own. The status and title say which one.",
        "Read the detail, then check the request against the documentation at /docs.",
    ),
)  # fmt: skip
BY_SLUG = {t.slug: t for t in TYPES}
BY_STATUS = {t.status: t for t in TYPES}


def type_for(status: int) -> ProblemType:
    """The problem type of an error status (the generic page for a status without its own)."""
    return BY_STATUS.get(status) or BY_SLUG["http-error"]
