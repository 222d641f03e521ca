"""The EHR's signed JWT: verified only when configured (RS384/ES384 via a JWKS, iss allowlist, aud, exp, jti)."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from service import create_app
from tests.ehr.conftest import CASES

ISS = "https://ehr.example.org"
BASE = "http://localhost/cds-services"
SERVICE = f"{BASE}/sciatica-patient-view"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP384R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(algorithm, key, kid, alg):
    return json.loads(algorithm.to_jwk(key.public_key())) | {"kid": kid, "alg": alg, "use": "sig"}


JWKS = {"keys": [jwk(RSAAlgorithm, RSA_KEY, "rsa-1", "RS384"), jwk(ECAlgorithm, EC_KEY, "ec-1", "ES384")]}


def token(aud=SERVICE, key=RSA_KEY, alg="RS384", kid="rsa-1", drop=(), **claims):
    now = int(time.time())
    payload = {"iss": ISS, "aud": aud, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), "tenant": "t1"} | claims
    for name in drop:
        payload.pop(name)
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


@pytest.fixture(scope="module")
def secured():
    config = {"CDS_JWT_ISSUERS": f"{ISS}, https://other-ehr.example.org", "CDS_JWKS": json.dumps(JWKS)}
    return create_app({"TESTING": True, "RATE_LIMIT_ENABLED": 0} | config).test_client()


def post(client, bearer, url="/cds-services/sciatica-patient-view"):
    headers = {"Authorization": f"Bearer {bearer}"} if bearer is not None else {}
    return client.post(
        url, json=CASES["pv-acute-sciatica"]["request"], headers=headers | {"Origin": "https://ehr.example.org"}
    )


def test_off_by_default(client):
    assert post(client, None).status_code == 200


def test_rs384_and_es384_tokens_for_the_called_url_pass(secured):
    assert post(secured, token()).status_code == 200
    assert post(secured, token(aud=[SERVICE], key=EC_KEY, alg="ES384", kid="ec-1")).status_code == 200
    assert secured.get("/cds-services", headers={"Authorization": f"Bearer {token(aud=BASE)}"}).status_code == 200
    feedback = {
        "feedback": [
            {
                "card": "4e0a3a1e-3283-4575-ab82-028d55fe2719",
                "outcome": "overridden",
                "outcomeTimestamp": "2026-11-20T10:00:00Z",
            }
        ]
    }
    url = f"{SERVICE}/feedback"
    assert (
        secured.post(
            "/cds-services/sciatica-patient-view/feedback",
            json=feedback,
            headers={"Authorization": f"Bearer {token(aud=url)}"},
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: None, id="no-header"),
        pytest.param(lambda: "not-a-jwt", id="garbage"),
        pytest.param(lambda: token(iss="https://evil.example.org"), id="issuer-not-allowed"),
        pytest.param(lambda: token(aud=BASE), id="audience-is-another-url"),
        pytest.param(lambda: token(exp=int(time.time()) - 120), id="expired"),
        pytest.param(lambda: token(kid="unknown"), id="unknown-kid"),
        pytest.param(lambda: token(key=OTHER_KEY), id="wrong-signature"),
        pytest.param(lambda: token(alg="RS256"), id="algorithm-not-allowed"),
        pytest.param(
            lambda: jwt.encode(
                {"iss": ISS, "aud": SERVICE},
                "a-shared-secret-of-at-least-32-bytes!",
                algorithm="HS256",
                headers={"kid": "rsa-1"},
            ),
            id="hmac",
        ),
        pytest.param(
            lambda: jwt.encode({"iss": ISS, "aud": SERVICE}, None, algorithm="none", headers={"kid": "rsa-1"}),
            id="none",
        ),
        pytest.param(lambda: token(drop=("jti",)), id="no-jti"),
        pytest.param(lambda: token(exp=int(time.time()) + 7200), id="lives-too-long"),
    ],
)
def test_bad_tokens_are_401_with_cors(secured, bad):
    response = post(secured, bad())
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers.get("Access-Control-Allow-Origin")


def test_a_replayed_jti_is_rejected(secured):
    once = token()
    assert post(secured, once).status_code == 200
    assert post(secured, once).status_code == 401


def test_preflight_needs_no_token_and_other_routes_are_unaffected(secured):
    preflight = secured.options(
        "/cds-services/sciatica-patient-view",
        headers={
            "Origin": "https://ehr.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert secured.get("/fhir/metadata").status_code == 200
    assert secured.get("/v1/treatments").status_code == 200


def test_jwks_from_a_file_and_the_public_base_url_as_audience(make_client, tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(JWKS))
    client = make_client(CDS_JWT_ISSUERS=ISS, CDS_JWKS_FILE=str(path), PUBLIC_BASE_URL="https://cds.example.org/")
    assert post(client, token(aud="https://cds.example.org/cds-services/sciatica-patient-view")).status_code == 200
    assert post(client, token()).status_code == 401


@pytest.mark.parametrize(
    "config",
    [
        {"CDS_JWT_ISSUERS": ISS},
        {"CDS_JWT_ISSUERS": ISS, "CDS_JWKS": json.dumps(JWKS), "CDS_JWT_ALGORITHMS": "HS256"},
    ],
)
def test_incomplete_or_unsafe_configuration_stops_the_start(config):
    with pytest.raises(ValueError):
        create_app({"TESTING": True} | config)
