"""Deprecation notices."""

from __future__ import annotations

import warnings


class SanicDeprecationWarning(DeprecationWarning):
    """Deprecations of this project; DEPRECATION_FILTER applies to these."""


def deprecation(message: str, version: float | str = "") -> None:
    """Emit a deprecation warning naming the version that removes the feature."""
    if version:
        message = f"{message} (removed in v{version})"
    warnings.warn(message, SanicDeprecationWarning, stacklevel=3)
