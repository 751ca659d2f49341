from sanic.request.form import File, parse_multipart_form
from sanic.request.parameters import RequestParameters
from sanic.request.types import Request

__all__ = ["File", "Request", "RequestParameters", "parse_multipart_form"]
