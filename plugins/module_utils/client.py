# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client for Posit Connect's Server API.

Transport only: the requests session, TLS, retries and backoff, paging, errors,
and the server's version and capabilities. It knows nothing about Ansible or about
Connect's objects: it raises ConnectError (its one-line messages are built in
module_utils/failures.py), and the module layer (module_utils/module.py) turns that into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

try:
    from urllib.parse import urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, but sanity imports this
    from urlparse import urlsplit, urlunsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
    from urllib3.util.retry import Retry
except ImportError as exc:  # pragma: no cover - exercised by the missing_required_lib test
    requests = urllib3 = InsecureRequestWarning = NewConnectionError = Retry = None
    HTTPAdapter = object
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.posit.connect.plugins.module_utils.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.failures import (
    RETRY_STATUSES, connect_error, http_error, not_json_error, short, tls_error)

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"))
MAX_PAGE_SIZE = 500
MAX_BACKOFF = 30.0
RATE_LIMIT_WAIT = 300.0  # default total seconds a client may spend paused by HTTP 429 (option rate_limit_wait)


def normalize_server(server):
    """Return the API root (".../__api__") for any of the URL forms users write.

    Accepts https://host, https://host/, https://host/__api__, https://host/__api__/, the API's
    versioned root https://host/__api__/v1, and servers behind a path prefix such as https://host/rsc/.
    """
    if not server or not str(server).strip():
        raise InputError("Option 'server' is not set: set it to the Connect URL "
                         "(e.g. https://connect.example.com) or export CONNECT_SERVER.")
    parts = urlsplit(str(server).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError("Option 'server' must be an http(s) URL such as "
                         "https://connect.example.com, got %r." % str(server))
    path = re.sub(r"/__api__(/v1)?$", "", parts.path.rstrip("/"))
    return urlunsplit((parts.scheme, parts.netloc, path + "/__api__", "", ""))


def parse_version(text):
    """'2025.09.0' -> (2025, 9, 0); None when hidden or unparsable."""
    if not text:
        return None
    numbers = re.findall(r"\d+", str(text))
    if not numbers:
        return None
    return tuple(int(n) for n in numbers[:3])


class ConnectClient:
    """A requests Session bound to one Connect server.

    Thread-safe for concurrent requests from a thread pool (one pool of
    keep-alive connections, sized by `pool_size`).

    `warn` receives warnings (the module shows them); `log` receives one line per retry (the module
    shows them at -v). `retry_summary()` sums up the retries of the whole run in one line.
    """

    def __init__(self, server, api_key, validate_certs=True, ca_path=None, timeout=30,
                 retries=5, pool_size=16, warn=None, backoff=0.5, rate_limit_wait=RATE_LIMIT_WAIT, log=None):
        if requests is None:
            raise ConnectError("The Python library 'requests' is required.")
        self.api_root = normalize_server(server)
        if not api_key:
            raise InputError("Option 'api_key' is not set: set it or export CONNECT_API_KEY.")
        if ca_path and not os.path.exists(ca_path):
            raise InputError("Option 'ca_path': %s does not exist; set it to the PEM file of the CA that signed "
                             "Connect's certificate (or unset it to use the system's CAs)." % ca_path)
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.rate_limit_wait = max(0.0, float(rate_limit_wait))
        self.warn = warn or (lambda msg: None)
        self.log = log or (lambda msg: None)
        # Passed on every request: Session.verify would be overridden by
        # REQUESTS_CA_BUNDLE from the environment.
        self.verify = ca_path if ca_path else bool(validate_certs)
        if self.verify is False:
            # The module warns once per task that the certificate is not checked; not urllib3, once per request.
            urllib3.disable_warnings(InsecureRequestWarning)
        self.session = requests.Session()
        # Read the environment once, not on every request: proxies from HTTP(S)_PROXY and NO_PROXY for this
        # server, and never ~/.netrc, whose credentials would replace the Authorization header.
        self.session.trust_env = False
        self.session.proxies.update(requests.utils.get_environ_proxies(self.api_root))
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "Authorization": "Key %s" % api_key,
            "Accept": "application/json",
            "User-Agent": "posit.connect-ansible",
        })
        self._lock = threading.Lock()
        self._throttled_until = 0.0  # time.monotonic() before which no request is sent (after a 429)
        self._throttled_total = 0.0  # seconds of 429 pauses so far, against rate_limit_wait
        self._retried = {}  # cause of the first retry ("HTTP 503") -> [requests that succeeded, that failed]
        self._settings = None
        self._endpoints = {}

    # -- low level -------------------------------------------------------

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.api_root + "/" + path.lstrip("/")

    def _display_path(self, url):
        """The request path as shown in messages: no scheme, host or query."""
        return urlsplit(url).path

    def request(self, method, path, params=None, body=None, data=None, headers=None, dest=None):
        """Send one request and return the decoded JSON (None for 204); a failure raises ConnectError.

        data: a file object sent as the body, streamed (rewound before a retry), with `headers`.
        dest: a path the (binary) answer is streamed to, in chunks; returns None then.
        """
        method = method.upper()
        url = self.url(path)
        shown = self._display_path(url)
        causes = []  # why this request was retried, one entry per retry
        sending = dict(params=params, json=body, data=data, headers=headers, stream=dest is not None)
        try:
            resp = self._send(method, url, shown, sending, causes)
        except ConnectError:
            self._count_retried(causes, False)
            raise
        self._count_retried(causes, resp.status_code < 300)
        if resp.status_code >= 300:
            raise http_error(method, shown, resp, self.api_root, self.rate_limit_wait)
        if dest is not None:
            with open(dest, "wb") as out:
                for chunk in resp.iter_content(1024 * 1024):
                    out.write(chunk)
            return None
        if resp.status_code == 204 or not resp.content:
            return None
        return self._decode(method, shown, resp)

    # The retry loop is written here rather than left to urllib3's Retry (mounted on the adapter), because what
    # it must do is not per request: a 429 pauses every thread of the client until its Retry-After has passed,
    # the pauses of a whole run share one budget (rate_limit_wait) instead of a count, and the retries of the
    # run are counted for one warning per task. Retry would need a subclass overriding increment, sleep and
    # is_retry with state shared across its copies, which is more code than this loop. Retry's own parser is used
    # for Retry-After (seconds or an HTTP date).
    def _send(self, method, url, shown, sending, causes):
        """The response after the retries: 429 within the wait budget, 502/503/504 and dropped connections
        `retries` times with exponential backoff (honouring Retry-After). A refused connection or an unknown
        host fails at once (a typo in 'server' does not get better), a timeout too (waiting again would
        multiply the time a playbook is stuck), and a request that may have reached the server is retried
        only when its method is idempotent (a POST is never sent twice)."""
        attempt = 0  # retries counted against `retries` (not the 429s, which count against rate_limit_wait)
        while True:
            self._wait_while_throttled()
            if sending["data"] is not None:
                sending["data"].seek(0)
            try:
                resp = self.session.request(method, url, timeout=self.timeout, verify=self.verify, **sending)
            except requests.exceptions.SSLError as exc:
                raise tls_error(method, shown, exc, self.api_root, self.timeout)
            except requests.exceptions.Timeout:
                raise ConnectError(
                    "%s %s timed out after %gs (option 'timeout'): Connect did not answer. "
                    "Check that the server is up and reachable." % (method, shown, self.timeout),
                    method=method, path=shown)
            except requests.exceptions.ConnectionError as exc:
                if isinstance(_reason(exc), NewConnectionError):
                    raise connect_error(method, shown, exc, self.api_root)
                if attempt < self.retries and method in IDEMPOTENT_METHODS:
                    attempt += 1
                    causes.append("a dropped connection")
                    self._backoff(attempt, None, "%s %s: connection dropped (%s)" % (method, shown, short(exc)))
                    continue
                if method not in IDEMPOTENT_METHODS:
                    note = "; it was not sent again, as it may have reached Connect"
                else:
                    note = "; it was retried %d times (option 'retries')" % attempt if attempt else ""
                raise ConnectError("Connect closed the connection during %s %s: %s%s. Check 'server' (%s)."
                                   % (method, shown, short(exc), note, self.api_root), method=method, path=shown)
            except requests.exceptions.RequestException as exc:
                raise ConnectError("%s %s failed: %s" % (method, shown, short(exc)),
                                   method=method, path=shown)

            status = resp.status_code
            what = "%s %s: HTTP %s" % (method, shown, status)
            retry_after = _retry_after(resp)
            if status == 429 and self._pause_everyone(
                    retry_after if retry_after is not None else self._delay(len(causes) + 1), what):
                causes.append("HTTP 429")
                continue
            if status in RETRY_STATUSES and status != 429 and attempt < self.retries:
                attempt += 1
                causes.append("HTTP %s" % status)
                self._backoff(attempt, retry_after, what)
                continue
            return resp

    def _delay(self, attempt):
        """Exponential backoff with a little jitter: backoff, 2 x backoff, 4 x ... up to MAX_BACKOFF."""
        delay = min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))
        return delay + random.uniform(0, delay / 4)

    def _backoff(self, attempt, retry_after, what):
        delay = retry_after if retry_after is not None else self._delay(attempt)
        self.log("%s; retry %d of %d in %.1fs" % (what, attempt, self.retries, delay))
        time.sleep(delay)

    def _wait_while_throttled(self):
        """Connect answered 429 (too many requests): no thread sends until its Retry-After has passed."""
        wait = self._throttled_until - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _pause_everyone(self, delay, what):
        """After a 429 every thread of this client waits `delay` seconds (see _wait_while_throttled).

        False, without waiting, when the pause would take the run's 429 pauses past rate_limit_wait."""
        with self._lock:
            now = time.monotonic()
            added = max(0.0, now + delay - max(now, self._throttled_until))
            if self._throttled_total + added > self.rate_limit_wait:
                return False
            self._throttled_total += added
            self._throttled_until = max(self._throttled_until, now + delay)
            total = self._throttled_total
        self.log("%s; waiting %.1fs (%.0fs of rate_limit_wait %.0fs used)" % (what, delay, total, self.rate_limit_wait))
        self._wait_while_throttled()
        return True

    def _count_retried(self, causes, succeeded):
        if causes:
            with self._lock:
                self._retried.setdefault(causes[0], [0, 0])[0 if succeeded else 1] += 1

    def retry_summary(self):
        """One line about every retry of this client's run, or None when nothing was retried.

        "37 requests were retried after HTTP 503; all succeeded"."""
        with self._lock:
            counts = sorted(self._retried.items(), key=lambda item: (-sum(item[1]), item[0]))
        if not counts:
            return None
        total = sum(sum(item[1]) for item in counts)
        failed = sum(item[1][1] for item in counts)
        if len(counts) == 1:
            causes = counts[0][0]
        else:
            named = ["%s (%d)" % (cause, sum(n)) for cause, n in counts]
            causes = ", ".join(named[:-1]) + " and " + named[-1]
        if failed == 0:
            outcome = "it succeeded" if total == 1 else "all succeeded"
        elif failed == total:
            outcome = "it still failed" if total == 1 else "all still failed"
        else:
            outcome = "%d succeeded, %d still failed" % (total - failed, failed)
        return "%d request%s retried after %s; %s" % (total, " was" if total == 1 else "s were", causes, outcome)

    def _decode(self, method, shown, resp):
        if "json" not in resp.headers.get("Content-Type", ""):
            raise not_json_error(method, shown, resp, self.api_root)
        try:
            return resp.json()
        except ValueError:
            raise ConnectError(
                "%s %s: Connect answered HTTP %s with malformed JSON (%d bytes). A proxy may be "
                "altering responses." % (method, shown, resp.status_code, len(resp.content)),
                method=method, path=shown, status=resp.status_code)

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def upload(self, path, filename, content_type="application/gzip"):
        """POST a file, streamed from disk (never read whole into memory); returns the decoded JSON answer."""
        with open(filename, "rb") as data:
            return self.request("POST", path, data=data, headers={"Content-Type": content_type})

    def download(self, path, dest):
        """GET a binary answer (a bundle archive) streamed into the file dest."""
        return self.request("GET", path, dest=dest)

    def get_or_none(self, path, params=None):
        """GET path, or None when Connect answers 404 (the object does not exist or is not visible)."""
        try:
            return self.get(path, params=params)
        except ConnectError as exc:
            if exc.status == 404:
                return None
            raise

    # -- paging ----------------------------------------------------------

    def paginate_offset(self, path, params=None, page_size=MAX_PAGE_SIZE):
        """Yield every result of an offset-paged endpoint (users, groups, search).

        Stops once `total` results were seen (or, without `total`, on a short
        page) or on an empty page; a page that repeats the previous one (old
        servers ignoring page_number) ends it with a warning.
        """
        params = dict(params or {})
        params["page_size"] = min(int(page_size), MAX_PAGE_SIZE)
        page, seen, previous_first = 1, 0, object()
        while True:
            params["page_number"] = page
            data = self.get(path, params=params) or {}
            results = data.get("results") or []
            if results and results[0] == previous_first:
                self.warn("%s ignored page_number %d and repeated page 1; stopping."
                          % (path, page))
                return
            yield from results
            seen += len(results)
            total = data.get("total")
            if not results or (seen >= total if total is not None
                               else len(results) < params["page_size"]):
                return
            previous_first = results[0]
            page += 1

    def paginate_keyset(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Yield every result of a keyset-paged endpoint, following paging.next."""
        params = dict(params or {})
        params["limit"] = min(int(limit), MAX_PAGE_SIZE)
        url, query = path, params
        while url:
            data = self.get(url, params=query) or {}
            yield from data.get("results") or []
            url = (data.get("paging") or {}).get("next")
            query = None  # the next URL carries every parameter

    # -- server ----------------------------------------------------------

    def server_settings(self):
        """GET /__api__/server_settings, once per client."""
        if self._settings is None:
            self._settings = self.get("server_settings") or {}
        return self._settings

    def version(self):
        """The server's version tuple, or None when the server hides it."""
        return parse_version(self.server_settings().get("version"))

    def has_endpoint(self, path, params=None):
        """True when Connect serves GET path: probed once per client (one run) and remembered.

        Any 404 means the endpoint is missing: a plain-text page from Connect's router, or a Connect error.
        A 400, 401 or 403 comes from the endpoint itself, so it exists (the real request will say what is wrong)."""
        if path not in self._endpoints:
            try:
                self.get(path, params=params)
                self._endpoints[path] = True
            except ConnectError as exc:
                if exc.status not in (400, 401, 403, 404):
                    raise
                self._endpoints[path] = exc.status != 404
        return self._endpoints[path]

    def map_concurrent(self, func, items, concurrency=8):
        """Apply func to each item with a bounded thread pool sharing this session.

        Returns [(item, result, error)] in input order; a ConnectError on one
        item does not stop the others.
        """
        def run(item):
            try:
                return item, func(item), None
            except ConnectError as exc:
                return item, None, exc

        items = list(items)
        if concurrency <= 1 or len(items) <= 1:
            return [run(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
            return list(pool.map(run, items))


def _reason(exc):
    """The urllib3 exception under a requests ConnectionError (NewConnectionError: nothing was sent)."""
    inner = exc.args[0] if exc.args else None
    return getattr(inner, "reason", inner)


def _retry_after(resp):
    """The response's Retry-After in seconds (a number or an HTTP date), or None."""
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return Retry().parse_retry_after(value)
    except Exception:  # urllib3's InvalidHeader: ignore a header we cannot read
        return None
