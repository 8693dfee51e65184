"""Issue 13, F4, F12 and F13: who a caller is (API keys by id, one-script usernames) and who can lock whom out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

import accounts as account_service
from core.db import MIGRATIONS, get_engine, migrate, session_scope
from core.tables import AuditEvent, Recording, Role, Upload
from tests.api.conftest import Accounts, assert_problem
from tests.api.services import clip


def _key(accounts: Accounts, name: str, unit: str) -> tuple[str, str]:
    """(secret, prefix) of a new service key called `name` in `unit`."""
    accounts.org_unit(unit)
    with session_scope(accounts.url) as db:
        issued = account_service.create_api_key(db, name, Role.service, unit, (), created_by=None, actor="test")
        return issued.key, issued.row.prefix


def _upload(client: TestClient, key: str, data: bytes, idempotency_key: str) -> dict[str, object]:
    """Announce and send a whole file with an Idempotency-Key; the final upload state."""
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key}
    body = {"filename": "phien-hop.wav", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    announced = client.post("/uploads", json=body | {"start_job": False}, headers=headers)
    assert announced.status_code in (200, 201), announced.text
    state: dict[str, object] = announced.json()
    if not state["complete"]:
        range_header = f"bytes 0-{len(data) - 1}/{len(data)}"
        sent = client.put(f"/uploads/{state['id']}", content=data, headers={**headers, "Content-Range": range_header})
        assert sent.status_code in (200, 201), sent.text
        state = sent.json()
    return state


def test_f4_two_keys_named_alike_in_two_units_never_share_idempotency(client: TestClient, accounts: Accounts) -> None:
    """The review's exact scenario: keys named `ingest` in units A and B send the same file with the same
    Idempotency-Key. Before the fix B was told `complete: true` with A's recording, and B's file was lost."""
    key_a, prefix_a = _key(accounts, "ingest", "Ủy ban A")
    key_b, prefix_b = _key(accounts, "ingest", "Ủy ban B")
    data = clip().read_bytes()
    done_a = _upload(client, key_a, data, "lan-1")
    done_b = _upload(client, key_b, data, "lan-1")
    assert done_a["complete"] and done_b["complete"]
    assert done_a["id"] != done_b["id"] and done_a["recording_id"] != done_b["recording_id"]
    with session_scope(accounts.url) as db:
        units = {r.id: r.org_unit_id for r in db.scalars(select(Recording))}
        assert units[str(done_a["recording_id"])] == account_service.get_org_unit(db, "Ủy ban A").id
        assert units[str(done_b["recording_id"])] == account_service.get_org_unit(db, "Ủy ban B").id
        assert db.query(Upload).count() == 2
        # The audit log tells the two keys apart: by id (prefix), not by their shared name.
        actors = set(db.scalars(select(AuditEvent.actor).where(AuditEvent.action == "upload.create")))
        assert actors == {f"key:ingest#{prefix_a}", f"key:ingest#{prefix_b}"}
    # A repeat by A still finds A's own upload (idempotency works per key).
    again = _upload(client, key_a, data, "lan-1")
    assert again["id"] == done_a["id"]


def test_f4_key_names_are_unique_per_unit(client: TestClient, accounts: Accounts) -> None:
    _key(accounts, "ingest", "Ủy ban A")
    _key(accounts, "ingest", "Ủy ban B")  # another unit: allowed
    admin = accounts.headers(Role.admin)
    unit_a = accounts.org_unit("Ủy ban A")
    twin = client.post("/api-keys", json={"name": "ingest", "org_unit": "Ủy ban A"}, headers=admin)
    assert "ingest" in assert_problem(twin, 409)["detail"]
    with session_scope(accounts.url) as db:
        assert len([k for k in account_service.list_api_keys(db) if k.org_unit_id == unit_a]) == 1


def test_f13_a_stranger_cannot_lock_the_owner_out(client: TestClient, accounts: Accounts) -> None:
    """Five wrong passwords from one address lock that address only; the owner elsewhere logs in; an admin
    unlocks (API), and the lock is per address in the audit log."""
    owner = accounts.user(Role.admin)
    stranger = TestClient(client.app, client=("203.0.113.9", 50000))
    office = TestClient(client.app, client=("198.51.100.20", 50000))
    guess = {"username": owner.username, "password": "doan-bua-thoi-1"}
    for _ in range(4):
        assert_problem(stranger.post("/auth/login", json=guess), 401)
    assert_problem(stranger.post("/auth/login", json=guess), 423)
    right = {"username": owner.username, "password": owner.password}
    assert_problem(stranger.post("/auth/login", json=right), 423)  # locked for the stranger's address
    assert office.post("/auth/login", json=right).status_code == 200  # the owner is not locked out
    locked = client.get(f"/users/{owner.id}", headers=accounts.headers(Role.admin)).json()
    assert locked["locked_until"] is not None
    unlocked = client.patch(f"/users/{owner.id}", json={"unlock": True}, headers=accounts.headers(Role.admin))
    assert unlocked.status_code == 200 and unlocked.json()["locked_until"] is None
    assert stranger.post("/auth/login", json=right).status_code == 200
    with session_scope(accounts.url) as db:
        lock = db.scalars(select(AuditEvent).where(AuditEvent.action == "login.locked")).one()
        assert lock.detail["ip"] == "203.0.113.9"
        unlock = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.updated")).all()[-1]
        assert unlock.detail["unlocked"] == ["203.0.113.9"]


def test_f4_f13_migration_keeps_every_key_and_renames_duplicate_names(tmp_path: Path) -> None:
    """A database of revision 0004 with two live keys named alike in one unit upgrades: both keep working (the
    prefix is their id), the newer is renamed, and account-wide lock columns give way to `login_failures`."""
    url = f"sqlite:///{tmp_path / 'gobang.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        connection.execute(text("INSERT INTO org_units (id, name) VALUES (1, 'Ủy ban A')"))
        for prefix, at in (("aaaa1111", "2026-01-01"), ("bbbb2222", "2026-02-01"), ("cccc3333", "2026-03-01")):
            connection.execute(
                text(
                    "INSERT INTO api_keys (prefix, key_hash, name, role, scopes, org_unit_id, created_at) "
                    "VALUES (:p, 'h', 'ingest', 'service', '[]', :unit, :at)"
                ),
                {"p": prefix, "at": at, "unit": None if prefix == "cccc3333" else 1},
            )
    migrate(url)
    with get_engine(url).connect() as connection:
        names: dict[str, str] = {p: n for p, n in connection.execute(text("SELECT prefix, name FROM api_keys"))}
        user_columns = {c["name"] for c in inspect(connection).get_columns("users")}
    assert names == {"aaaa1111": "ingest", "bbbb2222": "ingest (bbbb2222)", "cccc3333": "ingest"}
    assert not {"failed_logins", "locked_until"} & user_columns
    get_engine(url).dispose()
