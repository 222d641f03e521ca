"""JWT ids (jti) are remembered by a store every worker shares: one use per token, across processes."""

import json
import multiprocessing
import sqlite3
import time

import pytest

from service import create_app
from service.web.replay import HostStore, SharedStore, replay_key, store_for
from tests.api.ehr.test_cds_auth import ISS, JWKS, token
from tests.ehr.conftest import CASES

LATER = time.time() + 600


@pytest.fixture(params=["host", "shared"])
def store(request, tmp_path):
    """The host store (SQLite), and the shared one through `limits` (memory:// stands in for redis:// here)."""
    return HostStore(tmp_path / "jti") if request.param == "host" else SharedStore("memory://")


def test_first_use_is_accepted_and_the_second_refused(store):
    assert store.claim("a", LATER) is True
    assert store.claim("a", LATER) is False
    assert store.claim("b", LATER) is True


def test_an_expired_claim_no_longer_holds_and_is_swept(tmp_path):
    store = HostStore(tmp_path / "jti")
    assert store.claim("old", time.time() - 1)
    assert store.claim("old", LATER)  # the earlier claim had expired
    store.claim("gone", time.time() - 1)
    store.next_sweep = 0
    store.claim("new", LATER)
    rows = sqlite3.connect(store.db.path).execute("SELECT key FROM seen ORDER BY key").fetchall()
    assert rows == [("new",), ("old",)]


def claim_all(store: HostStore, keys: list[str], start, results) -> None:
    """One racing process: wait for the others, then claim every key."""
    start.wait()
    results.put([key for key in keys if store.claim(key, LATER)])


def test_processes_racing_for_the_same_ids_each_id_has_exactly_one_winner(tmp_path):
    store = HostStore(tmp_path / "jti")  # made before the fork, as gunicorn's preloaded app makes it
    keys = [f"jti-{n}" for n in range(40)]
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(4), context.Queue()
    procs = [context.Process(target=claim_all, args=(store, keys, start, results)) for _ in range(4)]
    for proc in procs:
        proc.start()
    won = [key for _ in procs for key in results.get(timeout=60)]
    for proc in procs:
        proc.join(timeout=60)
    assert sorted(won) == sorted(keys)


@pytest.mark.parametrize("mode", [0o777, 0o755])
def test_a_folder_others_can_open_is_refused(tmp_path, mode):
    folder = tmp_path / "jti"
    folder.mkdir(mode=mode)
    folder.chmod(mode)
    with pytest.raises(ValueError, match="only this user"):
        HostStore(folder)


@pytest.mark.parametrize(("uri", "kind"), [("memory://", HostStore), ("redis://127.0.0.1:6379", SharedStore)])
def test_a_shared_rate_limit_storage_also_holds_the_token_ids(tmp_path, uri, kind):
    """redis:// reaches other replicas; the connection opens on the first claim, so none is needed here."""
    assert isinstance(store_for(uri, tmp_path / "jti"), kind)


def test_keys_do_not_carry_the_token_ids():
    assert replay_key(ISS, "jti-1") != replay_key(ISS, "jti-2")
    assert "jti-1" not in replay_key(ISS, "jti-1") and len(replay_key(ISS, "x" * 500)) == 64


def test_a_token_used_with_one_worker_is_refused_by_another(tmp_path, monkeypatch):
    """Two apps stand for two gunicorn workers of one host: the second must not accept the first one's token."""
    monkeypatch.setenv("WORKER_TMP_DIR", str(tmp_path))
    config = {"TESTING": True, "RATE_LIMIT_ENABLED": 0, "CDS_JWT_ISSUERS": ISS, "CDS_JWKS": json.dumps(JWKS)}
    workers = [create_app(config).test_client() for _ in range(2)]
    once = token()
    statuses = [
        worker.post(
            "/cds-services/sciatica-patient-view",
            json=CASES["pv-acute-sciatica"]["request"],
            headers={"Authorization": f"Bearer {once}"},
        ).status_code
        for worker in workers
    ]
    assert statuses == [200, 401]
