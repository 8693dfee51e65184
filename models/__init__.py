"""The model registry: code asks here for a model by name, never for a hard-coded path."""

from models.registry import ModelSpec, ResolvedModel, is_cached, list_models, resolve, verify

__all__ = ["ModelSpec", "ResolvedModel", "is_cached", "list_models", "resolve", "verify"]
