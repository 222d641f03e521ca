"""Configuration: defaults for a local run, overridden by SCIATICA_* environment variables."""

from __future__ import annotations

import os

API_VERSION = "1.3.0"  # 1.3: answers in Spanish (?lang=, Accept-Language), items say their translation status
# 1.1: the soon level, unanswered fields (null), impossible reports refused, the safety case


class Config:
    """Defaults; every key can be set from the environment as SCIATICA_<KEY>."""

    API_TITLE = "Sciatica Relief API"
    API_VERSION = API_VERSION
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/docs/assets/"
    KNOWLEDGE_DIR: str | None = None  # None: the data shipped in the package
    CACHE_MAX_AGE = 3600  # seconds public caches may keep content GETs
    MAX_CONTENT_LENGTH = 16 * 1024
    LOG_LEVEL = "INFO"
    CORS_ORIGINS = "*"  # comma-separated origins; "*" suits a public, credential-free API
    API_KEYS = ""  # comma-separated; empty: no key needed (the local run)
    API_KEYS_FILE: str | None = None  # one key per line, e.g. a mounted secret
    RATE_LIMIT = "300 per minute"  # per API key, or per client address without one
    RATE_LIMIT_STORAGE_URI = "host://"  # shared by this host's workers; redis://host:6379 also by replicas
    RATE_LIMIT_ENABLED = 1
    HSTS_SECONDS = 0  # set (e.g. 31536000) when served over TLS
    FAST_LANE = 1  # plain content GETs replayed at the WSGI layer (service/web/fastlane.py); 0: all through Flask
    PROXY_HOPS = 0  # trusted proxies in front (nginx: 1) whose X-Forwarded-For/-Proto/-Host/-Port are honoured
    # EHR integration (service/api/ehr/cds_hooks.py, fhir.py). JWT verification of CDS Hooks calls is off unless issuers are set.
    CDS_JWT_ISSUERS = ""  # comma-separated allowlist of EHR issuers (JWT iss); empty: no JWT check (the local run)
    CDS_JWKS_FILE: str | None = None  # path of the EHRs' public JWK Set (JSON); or inline JSON in CDS_JWKS
    CDS_JWKS = ""
    CDS_JWT_ALGORITHMS = "ES384,RS384"  # asymmetric only; the spec recommends these two
    CDS_JWT_MAX_LIFETIME = 900  # seconds a JWT may live (exp - iat); its jti is remembered that long
    CDS_MAX_CONTENT_LENGTH = 1024 * 1024  # CDS Hooks calls carry prefetched FHIR bundles
    PUBLIC_BASE_URL = ""  # e.g. https://cds.example.org behind a proxy: JWT aud and card links; empty: from the request
    FHIR_CANONICAL_BASE = "https://sciatica-relief.example.org/fhir"  # canonical URLs of the FHIR resources
    # Fetching what the EHR did not prefetch (service/ehr/fetch/): only from these FHIR servers; empty: never fetch.
    FHIR_SERVERS = ""  # comma-separated base URLs or origins, https unless listed as http (e.g. a loopback test server)
    FHIR_FETCH_TIMEOUT = 2  # seconds to connect, and that any one read may wait
    FHIR_FETCH_BUDGET = 5  # seconds for all of one hook call's fetches (sooner if the EHR's token expires)
    FHIR_FETCH_MAX_BYTES = 2 * 1024 * 1024  # per prefetch key, all pages together
    FHIR_FETCH_MAX_PAGES = 5  # pages of one search followed (next links on the same server only)


def from_environment(prefix: str = "SCIATICA_") -> dict[str, object]:
    """Settings found in the environment, converted to the type of their default."""
    out: dict[str, object] = {}
    for key, default in vars(Config).items():
        raw = os.environ.get(prefix + key)
        if key.isupper() and raw is not None:
            out[key] = int(raw) if isinstance(default, int) else raw
    return out
