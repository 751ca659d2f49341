from sanic.cookies.request import CookieRequestParameters
from sanic.cookies.response import Cookie, CookieJar

__all__ = ["Cookie", "CookieJar", "CookieRequestParameters"]
