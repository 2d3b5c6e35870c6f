"""The app's request class: Flask's, with a URL-encoded form (every webhook's) parsed directly.

werkzeug parses a form through a parser object made for each request (three limits read
from the app's config through ``current_app``), the content type parsed again, and a
dispatch on it; for the few fields Twilio posts that costs several times the parsing
itself. Here a URL-encoded body is read from werkzeug's own guarded stream (so
``MAX_CONTENT_LENGTH``, a missing ``Content-Length`` and the 413 are werkzeug's) and parsed
by the same call werkzeug's parser makes, with the same result on a body that does not
decode (an empty form). Anything else (multipart, no body, the debugger's checks) takes
Flask's way. And ``values_dict``: Twilio's parameters, looked up in one dict
(``args_dict``: the query's alone; the app's own webhook queries, which repeat from
call to call, are parsed once per process).

``form_pairs`` is ``parse_qsl`` as werkzeug calls it, with the work for a field that
has nothing to decode (most of Twilio's) left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from urllib.parse import unquote

from flask import Request, current_app
from werkzeug.http import parse_options_header

from ivr.call.state import KEYS

URLENCODED = "application/x-www-form-urlencoded"
MAX_TYPES = 16  # Content-Type headers remembered (the client's: a few are real)
MAX_QUERIES, MAX_QUERY_BYTES = 512, 512  # the app's own queries remembered, and how long
_urlencoded: dict[str, bool] = {}
_queries: dict[bytes, Mapping[str, str]] = {}
_STATE = frozenset(KEYS)


def form_pairs(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``: each field's
    name and value, '+' a space and %-escapes decoded (an invalid one kept as it is)."""
    pairs = []
    for field in text.split("&") if text else ():
        if not field:
            continue
        name, _, value = field.partition("=")  # no '=': the name, and an empty value
        if "%" in field or "+" in field:
            name = unquote(name.replace("+", " "), errors="werkzeug.url_quote")
            value = unquote(value.replace("+", " "), errors="werkzeug.url_quote")
        pairs.append((name, value))
    return pairs


def is_urlencoded(content_type: str) -> bool:
    """Whether werkzeug's ``mimetype`` of this ``Content-Type`` is a URL-encoded form."""
    found = _urlencoded.get(content_type)
    if found is None:
        found = parse_options_header(content_type)[0].lower() == URLENCODED
        if len(_urlencoded) < MAX_TYPES:
            _urlencoded[content_type] = found
    return found


class WebRequest(Request):
    """Flask's request with a URL-encoded form parsed directly and Twilio's parameters
    in plain dicts."""

    @cached_property
    def values_dict(self) -> dict[str, str]:
        """``values`` as a plain dict, made once: each name's first value, the query's
        before the form's (the form only when not a GET), as werkzeug's
        ``CombinedMultiDict.get`` finds them, without its lookup in each part (and a
        KeyError raised and caught for each name the query lacks)."""
        values = self.form.to_dict() if self.method != "GET" else {}
        values.update(self.args_dict)
        return values

    @cached_property
    def args_dict(self) -> Mapping[str, str]:
        """``args.to_dict()``, read only: each name's first value in the query. A query of
        the app's own state alone (``ivr.call.state.KEYS``: never a caller's number, as a
        GET webhook's query holds) is kept for the next request that has it."""
        query = self.query_string
        found = _queries.get(query)
        if found is None:
            found = MappingProxyType(self.args.to_dict())
            if (len(query) <= MAX_QUERY_BYTES and len(_queries) < MAX_QUERIES
                    and _STATE.issuperset(found)):
                _queries[query] = found
        return found

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        content_type = self.environ.get("CONTENT_TYPE")
        if (not content_type or not is_urlencoded(content_type)
                or (current_app and current_app.debug)):
            super()._load_form_data()
            return
        stream = self._get_stream_for_parsing()
        try:  # as werkzeug's FormDataParser (silent): a body that does not decode is no form
            form = self.parameter_storage_class(form_pairs(stream.read().decode()))
        except ValueError:
            form = self.parameter_storage_class()
        d = self.__dict__
        d["stream"], d["form"], d["files"] = stream, form, self.parameter_storage_class()
