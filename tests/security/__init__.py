"""Hostile requests of issue 13 (resource and input limits, hardening): each asserts the safe answer."""
