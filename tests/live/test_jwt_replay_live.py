"""A replayed JWT is refused whichever gunicorn worker gets it: 30 tokens, each sent twice at once."""

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

from tests.api.ehr.test_cds_auth import ISS, JWKS, token
from tests.ehr.conftest import CASES
from tests.live.conftest import wait_workers

PATH = "/cds-services/sciatica-patient-view"
BODY = json.dumps(CASES["pv-acute-sciatica"]["request"])


def send(port: int, bearer: str) -> int:
    """One call on a connection of its own (so the kernel may hand it to either worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json", "Connection": "close"}
        conn.request("POST", PATH, body=BODY, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_each_token_is_accepted_once_across_two_workers(gunicorn, tmp_path):
    base, proc = gunicorn(
        WEB_CONCURRENCY="2",
        WORKER_TMP_DIR=str(tmp_path),
        SCIATICA_CDS_JWT_ISSUERS=ISS,
        SCIATICA_CDS_JWKS=json.dumps(JWKS),
    )
    assert len(wait_workers(proc.pid, 2)) == 2
    port = int(base.rsplit(":", 1)[1])
    tokens = [token(aud=base + PATH) for _ in range(30)]
    with ThreadPoolExecutor(4) as pool:
        statuses = [sorted(pool.map(send, [port, port], [once, once])) for once in tokens]
    twice = sum(pair == [200, 200] for pair in statuses)
    print(f"tokens accepted twice across 2 workers: {twice} of {len(tokens)}")
    assert twice == 0
    assert statuses == [[200, 401]] * len(tokens)
