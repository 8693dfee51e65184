"""The one way long work reports how far it is, from the decoder up to a job's status."""

from collections.abc import Callable

ProgressHook = Callable[[str, float], None]
"""(stage, fraction of the work done, in [0, 1])."""
