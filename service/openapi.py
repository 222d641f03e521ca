"""Top-level fields of the OpenAPI document: the API's introduction, contact, servers."""

INTRODUCTION = """\
Evidence-graded sciatica information for health platforms: treatment options, self-care tips, red flags and
evidence levels as JSON, and a recommendation endpoint that turns what a person reports into an urgency level,
ranked and explained options, excluded options with reasons, and disclaimers.

**This is health information, not a diagnosis or medical advice.** Red flags always win over self-care advice.
What a person reports is never stored or logged, and recommendation responses are `Cache-Control: no-store`.

Every content response carries `X-Content-Version` and a strong `ETag` (send `If-None-Match` for a 304).
Errors are RFC 9457 `application/problem+json` and name the field at fault.
"""

SPEC_OPTIONS = {
    "info": {
        "description": INTRODUCTION,
        "contact": {"name": "Sciatica Relief API team", "url": "https://github.com/", "email": "api@example.org"},
        "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"},
    },
    "servers": [{"url": "/", "description": "This server"}],
}
