"""One router per feature; wire types live in `api.schemas`."""
