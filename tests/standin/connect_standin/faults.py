"""Deterministic fault injection for API requests (paths under /__api__).

A rule is a dict::

    {"kind": "429", "every": 5, "retry_after": 1}
    {"kind": "drop", "every": 4, "method": "PATCH"}
    {"kind": "drop", "method": "POST", "after_write": true, "count": 1}
    {"kind": "kill_after", "writes": 50}

kind        "429" | "500" | "502" | "503" | "504" | "drop" | "hang" | "html" |
            "malformed" | "kill_after"
every       fire on every N-th request the rule matches (default 1)
count       fire at most this many times (default: unlimited)
method      only requests with this HTTP method
path        only paths (without the server prefix) matching this regex (re.search)
retry_after Retry-After header value in seconds (429 and 50x)
seconds     how long "hang" holds the request before closing it (default 60)
after_write "drop" only: process the request first (the write happens), then
            close the connection without answering
writes      "kill_after" only: after this many successful writes (non-GET/HEAD
            answered < 400) matching the rule, the server stops listening and
            closes every connection

Each rule counts the requests it matches; rules are checked in order and the
first one whose turn it is applies to the request.
"""

import re
import threading

STATUS_KINDS = {"429", "500", "502", "503", "504"}
KINDS = STATUS_KINDS | {"drop", "hang", "html", "malformed", "kill_after"}
KEYS = {"kind", "every", "count", "method", "path", "retry_after", "seconds", "after_write", "writes"}

LOGIN_PAGE = b"""<!DOCTYPE html>
<html><head><title>Sign in - Corporate SSO</title></head>
<body><form method="post" action="/sso/login"><h1>Sign in to continue</h1>
<input name="username"><input name="password" type="password"><button>Sign in</button></form></body></html>
"""
MALFORMED_JSON = b'{"guid": "6f300623-1e0c-48e6-a473-ddf630c0c0c3", "name": "truncat'


def proxy_page(status, reason):
    return (f"<html><head><title>{status} {reason}</title></head>"
            f"<body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>\n").encode()


class Rule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError(f"a fault rule must be a dict, got {spec!r}")
        unknown = set(spec) - KEYS
        if unknown:
            raise ValueError(f"unknown fault rule keys {sorted(unknown)}")
        self.kind = str(spec.get("kind"))
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {spec.get('kind')!r}; expected one of {sorted(KINDS)}")
        self.every = int(spec.get("every", 1))
        self.count = spec.get("count")
        self.method = spec.get("method", "").upper() or None
        self.path = re.compile(spec["path"]) if spec.get("path") else None
        self.retry_after = spec.get("retry_after")
        self.seconds = float(spec.get("seconds", 60))
        self.after_write = bool(spec.get("after_write", False))
        self.writes = int(spec.get("writes", 0))
        if self.every < 1 or (self.kind == "kill_after" and self.writes < 1):
            raise ValueError("'every' and 'writes' must be at least 1")
        self.seen = 0
        self.fired = 0

    def matches(self, method, path):
        return (self.method is None or self.method == method) and (self.path is None or self.path.search(path))


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []

    def set(self, specs):
        rules = [Rule(spec) for spec in specs or []]
        with self._lock:
            self._rules = rules

    def pick(self, method, path):
        """The rule to apply to this API request, or None."""
        chosen = None
        with self._lock:
            for rule in self._rules:
                if rule.kind == "kill_after" or not rule.matches(method, path):
                    continue
                rule.seen += 1
                due = rule.seen % rule.every == 0 and (rule.count is None or rule.fired < rule.count)
                if due and chosen is None:
                    rule.fired += 1
                    chosen = rule
        return chosen

    def count_write(self, method, path):
        """Count a successful write; True when a kill_after rule says the server dies now."""
        with self._lock:
            for rule in self._rules:
                if rule.kind == "kill_after" and rule.matches(method, path):
                    rule.seen += 1
                    if rule.seen == rule.writes:
                        return True
        return False
