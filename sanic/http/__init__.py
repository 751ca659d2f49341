from sanic.http.constants import HTTP, Stage
from sanic.http.http1 import Http

__all__ = ["HTTP", "Http", "Stage"]
