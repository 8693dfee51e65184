"""The security tests run against the API's own fixtures (real databases, services, accounts): one set of
fixtures, defined in `tests/api/conftest.py`, offered here as pytest offers a conftest's fixtures."""

from tests.api.conftest import *  # noqa: F403
from tests.api.conftest import _cheap_password_hashing, _postgres_database, _sqlite_template  # noqa: F401
