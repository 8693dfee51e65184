"""The ``gobang`` command line (typer + rich): archive transcription and model management."""
