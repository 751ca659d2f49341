"""Small value types describing parts of an HTTP request."""

from __future__ import annotations

import binascii
from base64 import b64decode
from dataclasses import dataclass, field

from sanic.exceptions import BadRequest


@dataclass
class Credentials:
    """What the Authorization header carries: ``request.credentials``.

    ``auth_type`` is the scheme (``"Basic"``, ``"Bearer"``, ``"Token"``, or
    None when the header had no known scheme) and ``token`` the rest. For Basic
    auth ``username`` and ``password`` decode the token; a token that is not
    base64 of ``user:password`` raises BadRequest (400) when they are read.
    """

    auth_type: str | None
    token: str | None
    _username: str | None = field(default=None, init=False, repr=False, compare=False)
    _password: str | None = field(default=None, init=False, repr=False, compare=False)
    _decoded: bool = field(default=False, init=False, repr=False, compare=False)

    @property
    def username(self) -> str | None:
        """The Basic auth user name; None for other schemes."""
        self._decode()
        return self._username

    @property
    def password(self) -> str | None:
        """The Basic auth password; None for other schemes."""
        self._decode()
        return self._password

    def _decode(self) -> None:
        if self._decoded:
            return
        if self.auth_type is not None and self.auth_type.casefold() == "basic":
            self._username, self._password = _decode_basic(self.token or "")
        self._decoded = True


def _decode_basic(token: str) -> tuple[str, str]:
    """Decode an RFC 7617 ``base64(user-id ":" password)`` token."""
    try:
        raw = b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(
            "Invalid Basic credentials: the token is not valid base64"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # RFC 7617's historical default
    username, sep, password = text.partition(":")
    if not sep:
        raise BadRequest("Invalid Basic credentials: expected 'user:password'")
    return username, password
