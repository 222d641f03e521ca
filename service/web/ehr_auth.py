"""CDS Hooks client authentication: the EHR's signed JWT (RS384/ES384, configured JWKS, iss allowlist, aud, exp, jti)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.web.replay import ReplayStore, replay_key, store_for
from service.web.security import RECORDING, ApiKeys

ASYMMETRIC = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}
LEEWAY_SECONDS = 30


class AuthError(Exception):
    """The JWT is missing or not acceptable; the message says why (it never echoes the token)."""


class CdsAuth:
    """Verifies one Bearer JWT per call; the jti of each accepted token is remembered until it expires (all workers)."""

    def __init__(
        self,
        issuers: tuple[str, ...],
        jwks: Mapping[str, Any],
        algorithms: tuple[str, ...],
        max_lifetime: int,
        replays: ReplayStore,
    ):
        bad = set(algorithms) - ASYMMETRIC
        if bad or not algorithms:
            raise ValueError(f"CDS_JWT_ALGORITHMS: only asymmetric algorithms are allowed, not {sorted(bad)}")
        self.issuers, self.algorithms, self.max_lifetime = issuers, algorithms, max_lifetime
        import jwt  # PyJWT and cryptography load only when verification is configured: ~45 ms off every start-up

        self.keys = jwt.PyJWKSet.from_dict(dict(jwks))
        self.replays = replays

    def verify(self, authorization: str, audience: str) -> dict[str, Any]:
        """The token's claims, or AuthError. `audience` is the URL the EHR called."""
        import jwt

        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("Send the EHR's signed JWT as Authorization: Bearer <jwt>.")
        try:
            header = jwt.get_unverified_header(token.strip())
            alg, kid = header.get("alg"), header.get("kid")
            if alg not in self.algorithms:
                raise AuthError(f"JWT alg must be one of {', '.join(self.algorithms)}.")
            if header.get("typ", "JWT") != "JWT" or not isinstance(kid, str):
                raise AuthError("JWT header needs typ JWT and a kid.")
            key = self.keys[kid]
            claims = jwt.decode(
                token.strip(),
                key=key,
                algorithms=[alg],
                audience=audience,
                issuer=self.issuers,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except KeyError:
            raise AuthError("No configured key has this JWT's kid.") from None
        except jwt.PyJWTError as exc:
            raise AuthError(f"JWT rejected: {exc}.") from None
        if float(claims["exp"]) - float(claims["iat"]) > self.max_lifetime:
            raise AuthError(f"JWT lifetime (exp - iat) exceeds {self.max_lifetime} s.")
        self._remember(str(claims["iss"]), str(claims["jti"]), float(claims["exp"]))
        return claims

    def _remember(self, iss: str, jti: str, exp: float) -> None:
        """Reject a jti seen before within its validity window, by any worker (or replica with a shared store)."""
        try:
            first = self.replays.claim(replay_key(iss, jti), exp + LEEWAY_SECONDS)
        except Exception:  # noqa: BLE001 - store down or full: refuse rather than let a replay through
            raise AuthError("JWT replay check is unavailable; retry with a new token.") from None
        if not first:
            raise AuthError("JWT replayed: this jti was already used.")


@dataclass(frozen=True)
class Refusal:
    """Why an EHR call may not go on: 401 (no or a bad credential) or 403 (a wrong key), and the challenge to send."""

    status: int
    detail: str
    challenge: str


BEARER, KEY_HEADER = 'Bearer error="invalid_token"', "X-API-Key"


def ehr_refusal(auth: CdsAuth | None, keys: ApiKeys, environ: dict[str, Any], audience: str) -> Refusal | None:
    """None when an EHR call (/cds-services, /fhir) may go on: with the EHR's JWT where issuers are configured (its
    `aud` the URL called), or a configured API key; with neither configured (the local run), no credential is needed.
    """
    if (auth is None and not keys.digests) or RECORDING in environ:  # the document's examples: built in-process
        return None
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if auth is not None and (authorization or not keys.digests):
        try:
            auth.verify(authorization, audience)
        except AuthError as exc:
            return Refusal(401, str(exc), BEARER)
        return None
    if environ.get("HTTP_X_API_KEY"):
        return None if keys.caller(environ) else Refusal(403, "This API key is not valid.", KEY_HEADER)
    if auth is None:
        return Refusal(401, "Send your API key in the X-API-Key header.", KEY_HEADER)
    return Refusal(401, "Send the EHR's signed JWT as Authorization: Bearer <jwt>, or an API key in X-API-Key.", BEARER)


def from_config(config: Mapping[str, Any]) -> CdsAuth | None:
    """A verifier when CDS_JWT_ISSUERS is set (then a JWKS is required), else None: verification is off."""
    issuers = tuple(i.strip() for i in str(config.get("CDS_JWT_ISSUERS") or "").split(",") if i.strip())
    if not issuers:
        return None
    raw = config.get("CDS_JWKS") or ""
    if config.get("CDS_JWKS_FILE"):
        raw = Path(str(config["CDS_JWKS_FILE"])).read_text(encoding="utf-8")
    if not raw:
        raise ValueError("CDS_JWT_ISSUERS is set: set CDS_JWKS_FILE or CDS_JWKS (the EHR's public JWK Set) too")
    jwks = json.loads(raw) if isinstance(raw, str) else raw
    algorithms = tuple(a.strip() for a in str(config.get("CDS_JWT_ALGORITHMS", "ES384,RS384")).split(",") if a.strip())
    replays = store_for(str(config.get("RATE_LIMIT_STORAGE_URI") or "host://"))
    return CdsAuth(issuers, jwks, algorithms, int(config.get("CDS_JWT_MAX_LIFETIME", 900)), replays)
