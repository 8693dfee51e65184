"""A bounded schemathesis run over the auth, administration and operations endpoints: whatever is
sent, no 5xx. On PostgreSQL when it is reachable (NUL bytes and integer overflows fail there, not
in SQLite), through a real uvicorn configured as `gobang serve` configures it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import text

import accounts
from api.app import create_app
from core.db import get_engine, session_scope
from core.settings import Settings
from core.tables import Base, Role
from tests.api.conftest import PASSWORD, served

PATHS = "^/(auth|users|org-units|api-keys|audit-log|healthz|readyz|metrics)"


def _openapi() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as home:
        return create_app(Settings(home=Path(home), secret_key="schema-only", redis_url=None)).openapi()


schema = schemathesis.openapi.from_dict(_openapi()).include(path_regex=PATHS)


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Callable]]:
    """(base URL, a function giving fresh admin credentials): each case gets its own session, so a
    fuzzed logout or password change does not lock the rest of the run out."""
    home = tmp_path_factory.mktemp("fuzz")
    try:
        url = request.getfixturevalue("_postgres_database")
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with get_engine(url).begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    except pytest.skip.Exception:
        url = f"sqlite:///{home / 'gobang.db'}"
    app = create_app(Settings(home=home, database_url=url, redis_url=None, cookie_secure=False))
    with served(app) as base_url:
        with session_scope(url) as db:
            admin_id = accounts.create_user(db, "quan_tri", PASSWORD, Role.admin, actor="test").id

        def credentials() -> dict[str, str]:
            return {"Authorization": f"Bearer {app.state.tokens.issue(admin_id)}"}

        yield base_url, credentials


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_server_fail(case: schemathesis.Case, target: tuple[str, Callable]) -> None:
    base_url, credentials = target
    case.call_and_validate(base_url=base_url, headers=credentials(), checks=[not_a_server_error])
