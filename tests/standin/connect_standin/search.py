"""The ``q`` language of ``GET /v1/search/auditlogs``.

    deploy -user_id:0 action:add_application,"remove_application" from:2025-01-01T00:00:00Z

* ``action:``, ``user_guid:``, ``user_id:`` take comma-separated values (any
  one matches; actions compare case-insensitively);
* ``from:`` / ``to:`` take one RFC3339 timestamp (inclusive bounds, up to
  nanosecond precision);
* any other token is a search term, matched case-insensitively as a substring
  of ``user_description``, ``action`` or ``event_description``;
* double quotes group text containing spaces or commas; a leading ``-``
  negates a filter or a term; every clause must hold.
"""

from .errors import bad_request
from .model import parse_time

FILTERS = ("action", "user_guid", "user_id", "from", "to")


def _tokens(q):
    """Split on whitespace outside double quotes; quotes are kept for _values()."""
    tokens, current, quoted = [], [], False
    for ch in q:
        if ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch.isspace() and not quoted:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(ch)
    if quoted:
        raise bad_request("InvalidFilter", "Unterminated quote in search query.")
    if current:
        tokens.append("".join(current))
    return tokens


def _values(text):
    """Comma-separated values, honouring double quotes; quotes are removed."""
    values, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            values.append("".join(current))
            current = []
        else:
            current.append(ch)
    values.append("".join(current))
    return [v for v in values if v != ""]


def parse(q):
    """Return a predicate over audit entries (model dicts, ``time`` in seconds)."""
    clauses = []
    for token in _tokens(q or ""):
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        key, sep, rest = body.partition(":")
        if sep and key in FILTERS:
            values = _values(rest)
            if not values:
                raise bad_request("InvalidFilter", f"The {key} filter needs a value.")
            test = _filter(key, values)
        else:
            test = _term(body.replace('"', "").lower())
        clauses.append((negate, test))

    def predicate(entry):
        return all(test(entry) != negate for negate, test in clauses)

    return predicate


def _filter(key, values):
    if key == "action":
        wanted = {v.lower() for v in values}
        return lambda e: e["action"].lower() in wanted
    if key == "user_guid":
        wanted = set(values)
        return lambda e: e["user_guid"] in wanted
    if key == "user_id":
        wanted = set(values)
        return lambda e: str(e["user_id"]) in wanted
    if len(values) != 1:
        raise bad_request("InvalidFilter", f"The {key} filter takes a single timestamp.")
    bound = parse_time(values[0], f"{key}:")
    if key == "from":
        return lambda e: e["time"] * 1_000_000_000 >= bound
    return lambda e: e["time"] * 1_000_000_000 <= bound


def _term(term):
    def test(entry):
        return (
            term in entry["user_description"].lower()
            or term in entry["action"].lower()
            or term in entry["event_description"].lower()
        )

    return test
