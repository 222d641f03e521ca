"""The served OpenAPI document narrowed to a deployment: what its configuration checks (the committed one is
PRODUCTION: every credential on, rate limits on, no FHIR fetching)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import orjson

from service.openapi import RATE_LIMIT_HEADERS, operations


@dataclass(frozen=True)
class Profile:
    """What a deployment checks: the served document states a security requirement only for the credentials
    configured, and rate-limit headers and 429s only when rate limits are on."""

    api_keys: bool
    ehr_jwt: bool
    rate_limits: bool = True
    fetching: bool = False  # CDS Hooks calls completed from the EHR's FHIR server: no prefetch key is required

    @classmethod
    def from_config(cls, config: Any) -> Profile:
        keys = bool(str(config.get("API_KEYS") or "").strip() or config.get("API_KEYS_FILE"))
        jwt = bool(str(config.get("CDS_JWT_ISSUERS") or "").strip())
        fetching = bool(str(config.get("FHIR_SERVERS") or "").strip())
        return cls(keys, jwt, bool(config.get("RATE_LIMIT_ENABLED")), fetching)

    def apply(self, document: dict[str, Any]) -> dict[str, Any]:
        """The production document narrowed to this profile: requirements of unconfigured schemes removed, and with
        no requirement left, the operation's 401 and 403 (nothing is checked); without rate limits, their headers
        and 429s."""
        doc = copy.deepcopy(document)
        on = {name for name, kept in (("ApiKeyAuth", self.api_keys), ("CdsHooksJwt", self.ehr_jwt)) if kept}
        for op in operations(doc):
            if op.get("security"):  # [] says "open" explicitly: kept
                op["security"] = [req for req in op["security"] if set(req) <= on]
                if not op["security"]:
                    del op["security"]
                    for code in ("401", "403"):
                        op["responses"].pop(code, None)
            if not self.rate_limits:
                op["responses"].pop("429", None)
        if not self.rate_limits:
            written = [r for op in operations(doc) for r in op["responses"].values()]
            for response in (*doc["components"].get("responses", {}).values(), *written):
                for name in (*RATE_LIMIT_HEADERS, "Retry-After"):
                    response.get("headers", {}).pop(name, None)
        if self.fetching:
            for schema in doc["components"]["schemas"].values():
                schema["allOf"] = [s for s in schema.get("allOf", []) if "prefetch" not in s.get("required", ())]
                if not schema["allOf"]:
                    del schema["allOf"]
        doc["components"]["securitySchemes"] = {
            k: v for k, v in doc["components"]["securitySchemes"].items() if k in on
        }
        for kind in ("responses", "headers"):  # drop those no longer referenced
            text = orjson.dumps([doc["paths"], doc["components"].get("responses")])
            for name in [n for n in doc["components"].get(kind, {}) if f'/{kind}/{n}"'.encode() not in text]:
                del doc["components"][kind][name]
        return doc


PRODUCTION = Profile(api_keys=True, ehr_jwt=True)
