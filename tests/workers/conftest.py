"""The worker tests that run a whole deployment use the API's own fixtures (a models home, fresh databases),
offered here as pytest offers a conftest's fixtures."""

from tests.api.conftest import _cheap_password_hashing, gobang_home, new_database  # noqa: F401
