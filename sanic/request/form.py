"""Parsing request bodies into ``request.form`` and ``request.files``."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import parse_qsl

from sanic.headers import parse_content_header
from sanic.request.parameters import RequestParameters

__all__ = ["File", "parse_form", "parse_form_urlencoded", "parse_multipart_form"]

# RFC 7578 §4.4: a part without a Content-Type is text/plain.
DEFAULT_PART_TYPE = "text/plain"


class File(NamedTuple):
    """An uploaded file: its media ``type``, its ``body`` and its file ``name``."""

    type: str
    body: bytes
    name: str


def _codec(charset: str | None) -> str:
    """A usable codec name for ``charset``, utf-8 if it is missing or unknown."""
    if charset:
        try:
            return codecs.lookup(charset).name
        except LookupError:
            pass
    return "utf-8"


def parse_form_urlencoded(
    body: bytes, encoding: str = "utf-8", keep_blank_values: bool = False
) -> RequestParameters:
    """Parse an ``application/x-www-form-urlencoded`` body.

    Bytes that do not decode in ``encoding`` become U+FFFD rather than errors.
    """
    encoding = _codec(encoding)
    text = body.decode(encoding, "replace")
    params = RequestParameters()
    for name, value in parse_qsl(
        text, keep_blank_values=keep_blank_values, encoding=encoding, errors="replace"
    ):
        _append(params, name, value)
    return params


# After the boundary: transport padding, then the end of the delimiter line.
_DELIMITER_END = re.compile(rb"[ \t]*\r?\n")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _iter_parts(body: bytes, boundary: bytes) -> Iterator[bytes]:
    """Yield each part of a multipart body, headers included.

    A delimiter is ``--boundary`` at the start of a line, followed by ``--``
    (the close delimiter) or the end of its line. The preamble and epilogue
    are skipped. A part that is cut off before its closing delimiter is
    dropped. Every search moves forward, so this is linear in ``len(body)``.
    """
    delimiter = b"--" + boundary
    line_delimiter = b"\n" + delimiter
    size = len(delimiter)
    if body.startswith(delimiter):
        pos = 0
    else:
        pos = body.find(line_delimiter)
        if pos == -1:
            return
        pos += 1
    # ``pos`` is at a candidate delimiter; find the first real one.
    while True:
        after = pos + size
        if body.startswith(b"--", after):
            return  # a close delimiter straight away: no parts
        eol = _DELIMITER_END.match(body, after)
        if eol is not None:
            start = eol.end()
            break
        pos = body.find(line_delimiter, after)
        if pos == -1:
            return
        pos += 1
    search = start - 1  # an empty part is followed at once by the delimiter
    while True:
        found = body.find(line_delimiter, search)
        if found == -1:
            return  # cut off: no delimiter closes this part
        after = found + 1 + size
        closing = body.startswith(b"--", after)
        eol = None if closing else _DELIMITER_END.match(body, after)
        if not closing and eol is None:
            search = found + 1  # "--boundary" followed by more text: content
            continue
        end = found
        if end > start and body[end - 1] == 13:  # the CR of the CRLF
            end -= 1
        yield body[start:end]
        if eol is None:  # the close delimiter; the rest is epilogue
            return
        start = eol.end()
        search = start - 1


def _parse_part_headers(raw: bytes) -> tuple[str | None, str | None]:
    """Return the Content-Disposition and Content-Type values of a part."""
    disposition = content_type = None
    for line in raw.decode("utf-8", "replace").split("\n"):
        name, sep, value = line.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        if name == "content-disposition":
            disposition = value.strip()
        elif name == "content-type":
            content_type = value.strip()
    return disposition, content_type


def parse_multipart_form(
    body: bytes, boundary: bytes
) -> tuple[RequestParameters, RequestParameters]:
    """Parse a ``multipart/form-data`` body into ``(fields, files)``.

    Both are keyed by each part's ``name``, keeping repeated names in order.
    A part with a ``filename`` (or ``filename*``) is a File; any other part is
    a field whose value is decoded with the charset of its Content-Type
    (utf-8 by default, undecodable bytes replaced). Parts without a name, and
    a final part cut off before its delimiter, are skipped.
    """
    fields = RequestParameters()
    files = RequestParameters()
    if not boundary:
        return fields, files
    for part in _iter_parts(body, boundary):
        if part.startswith(b"\n") or part.startswith(b"\r\n"):
            continue  # no headers at all, so no name
        header_end = _HEADER_END.search(part)
        if header_end is None:
            continue  # headers that never end: a malformed part
        disposition, content_type = _parse_part_headers(part[: header_end.start()])
        if disposition is None:
            continue
        _, params = parse_content_header(disposition)
        name = params.get("name")
        if name is None:
            continue
        content = part[header_end.end() :]
        filename = params.get("filename")
        if filename is not None:
            file = File(content_type or DEFAULT_PART_TYPE, content, filename)
            _append(files, name, file)
        else:
            charset = None
            if content_type:
                charset = parse_content_header(content_type)[1].get("charset")
            _append(fields, name, content.decode(_codec(charset), "replace"))
    return fields, files


def _append(params: RequestParameters, name: str, value: object) -> None:
    values = dict.get(params, name)
    if values is None:
        params[name] = [value]
    else:
        values.append(value)


def parse_form(
    content_type: str | None, body: bytes, keep_blank_values: bool = False
) -> tuple[RequestParameters, RequestParameters]:
    """Parse a request body into ``(form, files)`` according to its type.

    URL-encoded bodies give form fields only; ``multipart/form-data`` gives
    both (nothing without a ``boundary``); any other type gives two empty
    RequestParameters.
    """
    if not content_type or not body:
        return RequestParameters(), RequestParameters()
    mime, params = parse_content_header(content_type)
    if mime == "application/x-www-form-urlencoded":
        form = parse_form_urlencoded(
            body, params.get("charset") or "utf-8", keep_blank_values
        )
        return form, RequestParameters()
    if mime == "multipart/form-data":
        boundary = params.get("boundary")
        if boundary:
            return parse_multipart_form(
                body, boundary.encode("utf-8", "surrogateescape")
            )
    return RequestParameters(), RequestParameters()
