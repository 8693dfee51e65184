"""HTTP API (FastAPI): recordings, jobs, transcripts, accounts and the web UI."""
