"""Types shared across the package: the shared context workers inherit."""

from sanic.types.shared_ctx import SharedContext

__all__ = ["SharedContext"]
