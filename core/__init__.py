"""Shared foundation of gobang: settings, the Transcript schema, audio I/O and errors."""
