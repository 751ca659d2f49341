from sanic.handlers.error import ErrorHandler

__all__ = ["ErrorHandler"]
