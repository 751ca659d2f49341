from sanic.handlers.content_range import ContentRangeHandler
from sanic.handlers.directory import DirectoryHandler
from sanic.handlers.error import ErrorHandler

__all__ = ["ContentRangeHandler", "DirectoryHandler", "ErrorHandler"]
