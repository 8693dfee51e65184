"""One router per feature; wire types live in `api.schemas` (accounts, auth and operations: `api.schemas_accounts`)."""
