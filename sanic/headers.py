"""Parsers for request header values: content headers, Host, proxy headers,
Accept and Authorization; and the serialiser for an HTTP/1.1 response head.

Every parser here sees client-controlled text. They run in linear time and
answer malformed input with an empty or partial result (or InvalidHeader where
the caller asked for something that cannot be given), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from sanic.exceptions import InvalidHeader
from sanic.helpers import status_line

__all__ = [
    "AcceptList",
    "Matched",
    "MediaType",
    "format_http1_response",
    "fwd_normalize",
    "fwd_normalize_address",
    "parse_accept",
    "parse_content_header",
    "parse_credentials",
    "parse_forwarded",
    "parse_host",
    "parse_xforwarded",
]

HeaderParams = dict[str, str]
Options = dict[str, Any]

# RFC 9110 §5.6.2 token characters.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# A quoted string whose body may hold quoted-pairs. An unterminated one runs
# to the end of the text: a quote that can never fail to match keeps every
# scan over client input linear (a failing one would be rescanned from each
# later quote).
_QUOTED = r'"[^"\\]*(?:\\[\s\S][^"\\]*)*(?:"|\\?\Z)'
_QUOTED_PAIR = re.compile(r"\\([\\\"])")


def _unquote(value: str) -> str:
    """Strip a quoted string's quotes and undo its ``\\"`` and ``\\\\`` escapes.

    Other backslashes stay: browsers send Windows paths unescaped in filenames.
    """
    value = value[1:-1] if len(value) > 1 and value[-1] == '"' else value[1:]
    if "\\" in value:
        value = _QUOTED_PAIR.sub(r"\1", value)
    return value


# ---------------------------------------------------------------------------
# Content-Type / Content-Disposition

_CONTENT_PARAM = re.compile(
    r";\s*(?P<key>[^\s;=\"]+)\s*"
    rf"(?:=\s*(?:(?P<quoted>{_QUOTED})|(?P<token>[^;]*)))?"
)
_EXT_VALUE = re.compile(r"(?P<charset>[^']*)'[^']*'(?P<value>.*)", re.S)


def _decode_ext_value(value: str) -> str | None:
    """Decode an RFC 8187 ext-value (``UTF-8''na%C3%AFve.txt``)."""
    match = _EXT_VALUE.fullmatch(value)
    if match is None:
        return None
    charset = match["charset"] or "utf-8"
    try:
        return unquote(match["value"], encoding=charset, errors="replace")
    except LookupError:  # an unknown charset name
        return unquote(match["value"], encoding="utf-8", errors="replace")


def parse_content_header(value: str) -> tuple[str, HeaderParams]:
    """Split a Content-Type or Content-Disposition value into its main value
    and its parameters.

    ``'form-data; name=upload; filename="file.txt"'`` gives
    ``("form-data", {"name": "upload", "filename": "file.txt"})``. The main
    value and parameter names are lowered; values keep their case. Quoted
    values are unescaped, and ``%22`` is turned back into a quote, as browsers
    encode quotes that way in multipart names. An RFC 6266 ``filename*``
    (any ``name*``) is decoded and wins over the plain parameter.
    """
    head, sep, _ = value.partition(";")
    main = head.strip().lower()
    params: HeaderParams = {}
    if not sep:
        return main, params
    extended: HeaderParams = {}
    for match in _CONTENT_PARAM.finditer(value, len(head)):
        key = match["key"].lower()
        quoted = match["quoted"]
        if quoted is not None:
            val = _unquote(quoted)
            if "%22" in val:
                val = val.replace("%22", '"')
        else:
            token = match["token"]
            if token is None:
                continue  # a bare name without "=": not a parameter
            val = token.strip()
        if key.endswith("*") and len(key) > 1:
            decoded = _decode_ext_value(val)
            if decoded is not None:
                extended[key[:-1]] = decoded
            continue
        params.setdefault(key, val)
    params.update(extended)
    return main, params


# ---------------------------------------------------------------------------
# Host

_HOST = re.compile(
    r"(?P<host>\[[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[\w.~-]+)?\]|[\w.\-]{1,253})"
    r"(?::(?P<port>[0-9]{1,5}))?",
    re.ASCII,
)


def parse_host(host: str) -> tuple[str | None, int | None]:
    """Split a Host header value into a lowered host name and an int port.

    ``"example.com:8080"`` → ``("example.com", 8080)``; ``"[::1]:80"`` →
    ``("[::1]", 80)``; without a port the port is None. Anything that is not
    a host name, an IPv4 or a bracketed IPv6 address gives ``(None, None)``.
    """
    match = _HOST.fullmatch(host)
    if match is None:
        return None, None
    port = match["port"]
    if port is None:
        return match["host"].lower(), None
    number = int(port)
    if number > 65535:
        return None, None
    return match["host"].lower(), number


# ---------------------------------------------------------------------------
# Proxy headers: Forwarded (RFC 7239) and the X-Forwarded-* family

# Parsed on the reversed header, so that these are mirror images: value first,
# then "=", then the key, then the separator to its left (or the start).
_FWD_PAIR_REVERSED = re.compile(
    r'\s*(?:"(?P<quoted>[^"]*)"|(?P<token>[\w!#$%&\'*+\-.^`|~:\[\]/]+))'
    r"=(?P<key>[\w!#$%&'*+\-.^`|~]+)\s*(?P<sep>[;,]|\Z)",
    re.ASCII,
)
_FWD_EMPTY = re.compile(r"\s*[;,]")
_FWD_SEPARATOR = re.compile(r"[;,]")


def parse_forwarded(headers: Any, config: Any) -> Options | None:
    """Read the RFC 7239 ``Forwarded`` header(s) written by a trusted proxy.

    Only the element carrying ``secret=<FORWARDED_SECRET>`` (or
    ``by=<FORWARDED_SECRET>``) is trusted. The header is read from the right,
    the end the nearest proxy appends to, so that nothing a client put to the
    left can change how the trusted element is read. Returns None when no
    secret is configured or no element carries it.
    """
    secret = getattr(config, "FORWARDED_SECRET", None)
    if not secret:
        return None
    values = headers.getall("forwarded", None)
    if not values:
        return None
    header = ",".join(values)
    if secret not in header:
        return None
    reversed_header = header[::-1]
    end = len(reversed_header)
    pairs: list[tuple[str, str]] = []
    found = False
    pos = 0
    while pos < end:
        match = _FWD_PAIR_REVERSED.match(reversed_header, pos)
        if match is None:
            empty = _FWD_EMPTY.match(reversed_header, pos)
            if empty is not None:  # an empty pair, allowed by the grammar
                if empty.group().endswith(","):
                    if found:
                        break
                    pairs.clear()
                pos = empty.end()
                continue
            # A malformed pair: it ends the trusted element, or voids the one
            # being read if its secret has not been seen yet.
            if found:
                break
            pairs.clear()
            sep = _FWD_SEPARATOR.search(reversed_header, pos)
            if sep is None:
                break
            pos = sep.end()
            continue
        quoted = match["quoted"]
        raw = quoted if quoted is not None else match["token"]
        key = match["key"][::-1].lower()
        val = raw[::-1]
        pairs.append((key, val))
        if val == secret and key in ("secret", "by"):
            found = True
        if match["sep"] != ";":  # "," or the start of the header
            if found:
                break
            pairs.clear()
        pos = match.end()
    if not found:
        return None
    return fwd_normalize(reversed(pairs))


def parse_xforwarded(headers: Any, config: Any) -> Options | None:
    """Read the client address from REAL_IP_HEADER or X-Forwarded-For, and the
    URL parts from the other X-Forwarded-* headers.

    X-Forwarded-For is used only with ``PROXIES_COUNT`` set: the address that
    many entries from the right is the client as seen by the outermost trusted
    proxy (a chain shorter than that names no client). Without a client
    address, or with one that is not an address at all, no X-header is trusted
    and None is returned. A REAL_IP_HEADER that is missing or malformed falls
    back to X-Forwarded-For.
    """
    addr = None
    real_ip_header = getattr(config, "REAL_IP_HEADER", None)
    if real_ip_header:
        addr = _valid_address(headers.get(real_ip_header))
    proxies_count = getattr(config, "PROXIES_COUNT", None)
    if (
        addr is None
        and isinstance(proxies_count, int)
        and not isinstance(proxies_count, bool)
        and proxies_count > 0
    ):
        name = getattr(config, "FORWARDED_FOR_HEADER", None) or "x-forwarded-for"
        entries = [
            entry
            for line in headers.getall(name, [])
            for entry in (part.strip() for part in line.split(","))
            if entry
        ]
        if len(entries) >= proxies_count:
            addr = _valid_address(entries[-proxies_count])
    if addr is None:
        return None
    return fwd_normalize(
        (
            ("for", addr),
            ("proto", headers.get("x-scheme")),
            ("proto", headers.get("x-forwarded-proto")),
            ("host", headers.get("x-forwarded-host")),
            ("port", headers.get("x-forwarded-port")),
            ("path", headers.get("x-forwarded-path")),
        )
    )


def fwd_normalize(fwd: Iterable[tuple[str, str | None]]) -> Options:
    """Normalise proxy header fields into the ``request.forwarded`` dict.

    ``for``/``by`` go through fwd_normalize_address, ``host`` and ``proto`` are
    lowered, ``port`` becomes an int and ``path`` is percent-decoded. Fields
    with a missing or invalid value (``for=unknown``, ``port=X``, a host that
    parse_host refuses, a proto that is no URL scheme, a path that decodes to
    control characters) are dropped; a later field of the same name replaces
    an earlier one.
    """
    result: Options = {}
    for key, val in fwd:
        if val is None:
            continue
        key = key.lower()
        if key in ("by", "for"):
            try:
                result[key] = fwd_normalize_address(val)
            except ValueError:
                continue
        elif key == "host":
            host = val.strip().lower()
            if parse_host(host)[0] is not None:
                result[key] = host
        elif key == "proto":
            proto = val.strip().lower()
            if _SCHEME.fullmatch(proto):
                result[key] = proto
        elif key == "port":
            port = val.strip()
            if port.isascii() and port.isdigit() and len(port) <= 5:
                number = int(port)
                if number <= 65535:
                    result[key] = number
        elif key == "path":
            path = unquote(val, errors="replace")
            if not _CONTROL.search(path):
                result[key] = path
        else:
            result[key] = val
    return result


_IPV6 = re.compile(
    r"(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?:%[0-9a-z._~-]+)?",
    re.IGNORECASE | re.ASCII,
)
# What a node (RFC 7239 §6: an IP address with an optional port, a bracketed
# IPv6 address, an obfuscated "_name") or a host name may be made of. Anything
# else (spaces, commas, quotes, markup, non-ASCII) is not an address.
_NODE = re.compile(r"[0-9A-Za-z._:%~\[\]-]{1,255}", re.ASCII)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,31}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _valid_address(addr: str | None) -> str | None:
    """``addr`` when fwd_normalize_address accepts it, else None."""
    if not addr:
        return None
    try:
        fwd_normalize_address(addr)
    except ValueError:
        return None
    return addr


def fwd_normalize_address(addr: str) -> str:
    """Normalise a ``for``/``by`` node: IPv6 addresses get brackets, names are
    lowered, and obfuscated identifiers (``_secret``) are kept as they are.

    Raises ValueError for ``unknown``, which names no address at all, and for
    text that cannot be an address (spaces, commas, quotes, markup...).
    """
    if addr.lower() == "unknown":
        raise ValueError("'unknown' is not an address")
    if not _NODE.fullmatch(addr):
        raise ValueError(f"not an address: {addr[:64]!r}")
    if addr.startswith("_"):
        return addr
    if _IPV6.fullmatch(addr):
        return f"[{addr.lower()}]"
    return addr.lower()


# ---------------------------------------------------------------------------
# Accept

_MEDIA_RANGE = re.compile(rf"\s*(?P<type>{_TOKEN})/(?P<subtype>{_TOKEN})\s*")
_ACCEPT_PARAM = re.compile(
    rf";\s*(?P<key>{_TOKEN})\s*=\s*(?:(?P<quoted>{_QUOTED})|(?P<token>{_TOKEN}))\s*"
)
# One list element, keeping commas inside quoted strings.
_LIST_ITEM = re.compile(rf'(?:[^,"]|{_QUOTED})+')


class MediaType:
    """One media range of an Accept header, or a MIME type to match against.

    ``type`` and ``subtype`` are lowered; ``q`` is the quality (1.0 when not
    given) and is kept apart from ``params``.
    """

    __slots__ = ("mime", "params", "q", "subtype", "type")

    def __init__(self, type_: str, subtype: str, **params: str) -> None:
        self.type = type_.lower()
        self.subtype = subtype.lower()
        self.mime = f"{self.type}/{self.subtype}"
        q = params.pop("q", None)
        self.q = 1.0 if q is None else _parse_q(q)
        self.params = params

    @property
    def has_wildcard(self) -> bool:
        """Whether the type or the subtype is ``*``."""
        return self.type == "*" or self.subtype == "*"

    @property
    def is_wildcard(self) -> bool:
        """Whether this is ``*/*``."""
        return self.type == "*" and self.subtype == "*"

    @property
    def _specificity(self) -> tuple[bool, bool, int]:
        return self.type != "*", self.subtype != "*", len(self.params)

    def match(self, other: str | MediaType) -> MediaType | None:
        """Return self if ``other`` matches it, else None.

        A ``*`` on either side matches anything; parameters present on both
        sides must agree.
        """
        mt = other if isinstance(other, MediaType) else MediaType._parse(other)
        if mt is None:
            return None
        if not (self.type == mt.type or self.type == "*" or mt.type == "*") or not (
            self.subtype == mt.subtype or self.subtype == "*" or mt.subtype == "*"
        ):
            return None
        for key, val in self.params.items():
            other_val = mt.params.get(key)
            if other_val is not None and other_val != val:
                return None
        return self

    @classmethod
    def _parse(cls, raw: str) -> MediaType | None:
        """Parse ``type/subtype;k=v;q=0.5``; None if it is not a media range."""
        match = _MEDIA_RANGE.match(raw)
        if match is None:
            if raw.strip() == "*":  # a common client quirk for "*/*"
                return cls("*", "*")
            return None
        type_, subtype = match["type"], match["subtype"]
        if type_ == "*" and subtype != "*":
            return None
        params: dict[str, str] = {}
        pos = match.end()
        end = len(raw)
        while pos < end:
            param = _ACCEPT_PARAM.match(raw, pos)
            if param is None:
                return None
            quoted = param["quoted"]
            params[param["key"].lower()] = (
                _unquote(quoted) if quoted is not None else param["token"]
            )
            pos = param.end()
        try:
            return cls(type_, subtype, **params)
        except ValueError:  # an invalid q
            return None

    def __str__(self) -> str:
        if not self.params:
            return self.mime
        return self.mime + "".join(
            f";{key}={_quote_param(val)}" for key, val in self.params.items()
        )

    def __repr__(self) -> str:
        return f"<MediaType {self} q={self.q}>"

    def __eq__(self, other: object) -> bool:
        """Equal to a MediaType or MIME string of the same type and parameters
        (wildcards compared literally, q ignored)."""
        if isinstance(other, str):
            parsed = MediaType._parse(other)
            if parsed is None:
                return False
            other = parsed
        if not isinstance(other, MediaType):
            return NotImplemented
        return self.mime == other.mime and self.params == other.params

    def __hash__(self) -> int:
        return hash(self.mime)


def _parse_q(value: str) -> float:
    q = float(value)  # ValueError for junk, as the caller expects
    if not 0.0 <= q <= 1.0:  # also rejects nan
        raise ValueError(f"q={value} is out of range")
    return q


def _quote_param(value: str) -> str:
    if value and _TOKEN_FULL.fullmatch(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


_TOKEN_FULL = re.compile(_TOKEN)


class Matched:
    """The result of AcceptList.match: the MIME string that matched and the
    Accept entry it matched.

    It compares equal to the MIME string, and is falsy when nothing matched
    (then ``mime`` is ``""`` and ``header`` None).
    """

    __slots__ = ("header", "mime")

    def __init__(self, mime: str, header: MediaType | None) -> None:
        self.mime = mime
        self.header = header

    @property
    def m(self) -> MediaType | None:
        """The matched Accept entry (an alias of ``header``)."""
        return self.header

    def match(self, other: str | MediaType) -> Matched | None:
        """Return self if this result's MIME string matches ``other``
        (wildcards on either side), else None."""
        mine = MediaType._parse(self.mime)
        if mine is None or mine.match(other) is None:
            return None
        return self

    def __bool__(self) -> bool:
        return self.header is not None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Matched):
            return self.mime == other.mime and self.header == other.header
        if isinstance(other, str):
            return self.mime == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.mime)

    def __str__(self) -> str:
        return self.mime

    def __repr__(self) -> str:
        return f"<Matched {self.mime!r} header={self.header!r}>"


class AcceptList(list):
    """The media ranges of an Accept header, most preferred first.

    Preference follows RFC 9110 §12.5.1: higher q first, then the more
    specific range (``text/plain;format=flowed`` before ``text/plain`` before
    ``text/*`` before ``*/*``), then header order. ``in`` checks for a literal
    entry; ``match`` finds the best match with wildcards.
    """

    def match(self, *mimes: str, accept_wildcards: bool = True) -> Matched:
        """Find which of ``mimes`` the client prefers.

        Ordered by the Accept preference, then the order of ``mimes``. Ranges
        with ``q=0`` are never matched, and they veto a mime that a less
        specific range would otherwise accept (``text/html;q=0, */*``).
        With ``accept_wildcards=False`` wildcard Accept entries are ignored.
        Returns a falsy Matched when nothing is acceptable.
        """
        candidates = [
            (mime, mt) for mime in mimes if (mt := MediaType._parse(mime)) is not None
        ]
        refused = [mt for mt in self if mt.q == 0]
        vetoes = [
            max(
                (zero._specificity for zero in refused if zero.match(mt)),
                default=None,
            )
            for _, mt in candidates
        ]
        for entry in self:
            if entry.q == 0:
                continue
            if not accept_wildcards and entry.has_wildcard:
                continue
            for (mime, mt), veto in zip(candidates, vetoes, strict=True):
                if entry.match(mt) is None:
                    continue
                if veto is not None and veto > entry._specificity:
                    continue
                return Matched(mime, entry)
        return Matched("", None)

    def __repr__(self) -> str:
        return f"<AcceptList {[str(mt) for mt in self]}>"


def _sort_key(mt: MediaType) -> tuple[float, bool, bool, int]:
    return -mt.q, mt.type == "*", mt.subtype == "*", -len(mt.params)


def parse_accept(accept: str | None) -> AcceptList:
    """Parse an Accept header into an AcceptList, most preferred first.

    A missing or blank header accepts anything (``*/*``). Malformed entries are
    skipped; if none of a non-blank header's entries is valid, InvalidHeader
    (400) is raised.
    """
    if accept is None or not accept.strip():
        return AcceptList([MediaType("*", "*")])
    entries = [
        mt
        for item in _LIST_ITEM.findall(accept)
        if item.strip() and (mt := MediaType._parse(item)) is not None
    ]
    if not entries:
        raise InvalidHeader(f"Invalid Accept header: {accept[:100]!r}")
    entries.sort(key=_sort_key)  # stable: header order breaks ties
    return AcceptList(entries)


# ---------------------------------------------------------------------------
# Authorization

_DEFAULT_AUTH_PREFIXES = ("Basic", "Bearer", "Token")


def parse_credentials(
    header: str | None, prefixes: Iterable[str] | None = None
) -> tuple[str | None, str | None]:
    """Split an Authorization value into its scheme and its token.

    ``"Bearer abc"`` → ``("Bearer", "abc")``. The scheme is matched without
    regard to case (RFC 9110 §11.1) and returned as spelled in ``prefixes``
    (default Basic, Bearer and Token). A value without a known scheme is all
    token: ``(None, header)``.
    """
    if not header or header.isspace():
        return None, None
    scheme, *rest = header.split(None, 1)
    folded = scheme.casefold()
    for prefix in _DEFAULT_AUTH_PREFIXES if prefixes is None else prefixes:
        if prefix.casefold() == folded:
            return prefix, rest[0].strip() if rest else None
    return None, header


# ---------------------------------------------------------------------------
# Response head


def format_http1_response(status: int, headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Serialise a status line and header fields into an HTTP/1.1 response head.

    The caller is responsible for the header bytes: no validation is done here.
    """
    return b"%b%b\r\n" % (
        status_line(status),
        b"".join([b"%b: %b\r\n" % (name, value) for name, value in headers]),
    )
