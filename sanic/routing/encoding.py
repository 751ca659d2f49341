"""One canonical percent-encoding for path segments.

Routes may be declared with non-ASCII text ("/café") while requests arrive
percent-encoded, in either hex case ("/caf%C3%A9", "/caf%c3%a9"). Both sides are
compared in a canonical form: decoded, then re-encoded with upper-case escapes,
leaving RFC 3986 ``pchar`` characters alone. A segment is canonicalised on its
own, so an encoded slash ("%2F") never splits it.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

_SAFE = "!$&'()*+,;=:@-._~"


def canonical_segment(segment: str) -> str:
    return quote(unquote(segment), safe=_SAFE)


def canonical_path(path: str) -> str:
    return "/".join([quote(unquote(s), safe=_SAFE) for s in path.split("/")])


def needs_canonical(text: str) -> bool:
    """Whether ``text`` could differ from its canonical form in a way that matters."""
    return "%" in text or not text.isascii()
