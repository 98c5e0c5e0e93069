# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client for Posit Connect's Server API.

Transport only: the requests session, TLS, retries and backoff, paging, errors,
and the server's version and capabilities. It knows nothing about Ansible or about
Connect's objects: it raises ConnectError, and the module layer
(module_utils/module.py) turns that into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
    from requests.adapters import HTTPAdapter
except ImportError as exc:  # pragma: no cover - exercised by the missing_required_lib test
    requests = None
    HTTPAdapter = object
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.posit.connect.plugins.module_utils.error_codes import ERROR_CODES
from ansible_collections.posit.connect.plugins.module_utils.errors import ConnectError

RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"))
MAX_PAGE_SIZE = 500
MAX_BACKOFF = 30.0

# The first Connect release that serves GET /v1/search/auditlogs.
SEARCH_AUDIT_LOGS_SINCE = (2025, 1, 0)


def normalize_server(server):
    """Return the API root (".../__api__") for any of the URL forms users write.

    Accepts https://host, https://host/, https://host/__api__, https://host/__api__/
    and servers behind a path prefix such as https://host/rsc/.
    """
    if not server or not str(server).strip():
        raise ConnectError("Option 'server' is required: set it to the Connect URL "
                           "(e.g. https://connect.example.com) or export CONNECT_SERVER.")
    parts = urlsplit(str(server).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectError("Option 'server' must be an http(s) URL such as "
                           "https://connect.example.com, got %r." % str(server))
    path = parts.path.rstrip("/")
    if path.endswith("/__api__"):
        path = path[:-len("/__api__")]
    return urlunsplit((parts.scheme, parts.netloc, path + "/__api__", "", ""))


def parse_version(text):
    """'2025.09.0' -> (2025, 9, 0); None when hidden or unparsable."""
    if not text:
        return None
    numbers = re.findall(r"\d+", str(text))
    if not numbers:
        return None
    return tuple(int(n) for n in numbers[:3])


def _hint_for_status(status):
    if status == 401:
        return ("Check 'api_key' (CONNECT_API_KEY): the key is missing, wrong or revoked, "
                "or its user is locked.")
    if status == 403:
        return "The API key's user lacks permission for this; it may need an administrator's key."
    if status == 404:
        return None
    if status in RETRY_STATUSES:
        return "Connect is overloaded or unavailable; it was retried with backoff."
    return None


class ConnectClient:
    """A requests Session bound to one Connect server.

    Thread-safe for concurrent requests from a thread pool (one pool of
    keep-alive connections, sized by `pool_size`).
    """

    def __init__(self, server, api_key, validate_certs=True, ca_path=None, timeout=30,
                 retries=5, pool_size=16, warn=None, backoff=0.5):
        if requests is None:
            raise ConnectError("The Python library 'requests' is required.")
        if not api_key:
            raise ConnectError("Option 'api_key' is required: set it or export CONNECT_API_KEY.")
        self.api_root = normalize_server(server)
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.warn = warn or (lambda msg: None)
        # Passed on every request: Session.verify would be overridden by
        # REQUESTS_CA_BUNDLE from the environment.
        self.verify = ca_path if ca_path else bool(validate_certs)
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
        self._settings = None
        self._capabilities = {}

    # -- low level -------------------------------------------------------

    def url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.api_root + "/" + path.lstrip("/")

    def _display_path(self, url):
        """The request path as shown in messages: no scheme, host or query."""
        return urlsplit(url).path

    def request(self, method, path, params=None, body=None, data=None, headers=None, dest=None):
        """Send one request and return the decoded JSON (None for 204).

        data: a file object sent as the body, streamed (rewound before a retry), with `headers`.
        dest: a path the (binary) answer is streamed to, in chunks; returns None then.
        Retries 429/502/503/504 and connection failures with exponential
        backoff, honouring Retry-After. A request that may have reached the
        server (read error, timeout) is retried only for idempotent methods.
        """
        method = method.upper()
        url = self.url(path)
        shown = self._display_path(url)
        attempt = 0
        while True:
            self._wait_while_throttled()
            if data is not None:
                data.seek(0)
            try:
                resp = self.session.request(method, url, params=params, json=body, data=data, headers=headers,
                                            timeout=self.timeout, verify=self.verify, stream=dest is not None)
            except requests.exceptions.SSLError as exc:
                raise ConnectError(
                    "TLS verification failed for %s %s: %s. If Connect uses a self-signed or "
                    "internal CA certificate, set 'ca_path' to the CA bundle (PEM); as a last "
                    "resort set 'validate_certs: false'." % (method, shown, _short(exc)),
                    method=method, path=shown)
            except requests.exceptions.Timeout as exc:
                # A hung server is not retried: waiting `timeout` again would
                # multiply the time the playbook is stuck.
                raise ConnectError(
                    "%s %s timed out after %gs (option 'timeout'): Connect did not answer. "
                    "Check that the server is up and reachable." % (method, shown, self.timeout),
                    method=method, path=shown)
            except requests.exceptions.ConnectionError as exc:
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and _maybe_sent(exc)
                if attempt < self.retries and (method in IDEMPOTENT_METHODS or not sent):
                    attempt += 1
                    self._sleep(attempt, None, "%s %s: connection error" % (method, shown))
                    continue
                raise ConnectError(
                    "Could not connect to Connect for %s %s: %s. Check 'server' (%s)."
                    % (method, shown, _short(exc), self.api_root),
                    method=method, path=shown)
            except requests.exceptions.RequestException as exc:
                raise ConnectError("%s %s failed: %s" % (method, shown, _short(exc)),
                                   method=method, path=shown)

            if resp.status_code in RETRY_STATUSES and attempt < self.retries:
                attempt += 1
                self._sleep(attempt, resp.headers.get("Retry-After"),
                            "%s %s: HTTP %s" % (method, shown, resp.status_code),
                            everyone=resp.status_code == 429)
                continue
            if resp.status_code >= 300:
                raise self._error(method, shown, resp)
            if dest is not None:
                with open(dest, "wb") as out:
                    for chunk in resp.iter_content(1024 * 1024):
                        out.write(chunk)
                return None
            if resp.status_code == 204 or not resp.content:
                return None
            return self._decode(method, shown, resp)

    def _wait_while_throttled(self):
        """Connect answered 429 (too many requests): no thread sends until its Retry-After has passed."""
        wait = self._throttled_until - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _sleep(self, attempt, retry_after, what, everyone=False):
        """Back off before a retry; after a 429 every thread of this client waits (see _wait_while_throttled)."""
        delay = None
        if retry_after:
            try:
                delay = float(retry_after)
            except ValueError:
                delay = None
        if delay is None:
            delay = min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))
            delay += random.uniform(0, delay / 4)
        self.warn("%s; retry %d of %d in %.1fs" % (what, attempt, self.retries, delay))
        if everyone:
            with self._lock:
                self._throttled_until = max(self._throttled_until, time.monotonic() + delay)
            self._wait_while_throttled()
        else:
            time.sleep(delay)

    def _decode(self, method, shown, resp):
        ctype = resp.headers.get("Content-Type", "")
        if "json" not in ctype:
            raise ConnectError(
                "%s %s: expected JSON from the Connect API but got %s (HTTP %s). 'server' (%s) "
                "does not point at Connect's API, or a proxy or login page answered instead."
                % (method, shown, ctype.split(";")[0] or "no content type", resp.status_code,
                   self.api_root),
                method=method, path=shown, status=resp.status_code)
        try:
            return resp.json()
        except ValueError:
            raise ConnectError(
                "%s %s: Connect answered HTTP %s with malformed JSON (%d bytes). A proxy may be "
                "altering responses." % (method, shown, resp.status_code, len(resp.content)),
                method=method, path=shown, status=resp.status_code)

    def _error(self, method, shown, resp):
        code = text = payload = None
        if "json" in resp.headers.get("Content-Type", ""):
            try:
                data = resp.json()
            except ValueError:
                data = None
            if isinstance(data, dict):
                code, text, payload = data.get("code"), data.get("error"), data.get("payload")
        parts = ["%s %s failed: HTTP %s" % (method, shown, resp.status_code)]
        if code is not None:
            parts.append("Connect error %s %s" % (code, ERROR_CODES.get(code, "Unknown")))
        if text:
            parts.append(str(text))
        elif code is None and resp.status_code == 404:
            parts.append("there is no Connect API at 'server' (%s): the answer was a %s page, not a Connect error. "
                         "Check the URL; if Connect is served under a path prefix, include it (https://host/rsc/)"
                         % (self.api_root, resp.headers.get("Content-Type", "no content type").split(";")[0]))
        elif code is None:
            parts.append("the response was not a Connect API error (%s); check 'server' (%s)"
                         % (resp.headers.get("Content-Type", "no content type").split(";")[0],
                            self.api_root))
        hint = _hint_for_status(resp.status_code)
        if hint:
            parts.append(hint)
        return ConnectError(": ".join(parts[:1]) + ": " + ". ".join(parts[1:]),
                            method=method, path=shown, status=resp.status_code,
                            code=code, payload=payload)

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

    def has_search_audit_logs(self):
        """True when GET /v1/search/auditlogs exists (by version, else by probing)."""
        if "search_audit_logs" not in self._capabilities:
            version = self.version()
            if version is not None:
                found = version >= SEARCH_AUDIT_LOGS_SINCE
            else:
                try:
                    self.get("v1/search/auditlogs", params={"page_size": 1})
                    found = True
                except ConnectError as exc:
                    if exc.status != 404:
                        raise
                    found = False
            self._capabilities["search_audit_logs"] = found
        return self._capabilities["search_audit_logs"]

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


def _short(exc):
    """The innermost reason of a requests/urllib3 exception, in one line."""
    text = str(exc)
    match = re.search(r"\(Caused by \w+\((.*)\)\)$", text)
    if match:
        text = match.group(1)
    return re.sub(r"\s+", " ", text).strip()[:300]


def _maybe_sent(exc):
    """Could the request have reached the server before this connection error?

    A refused or unresolvable connection never sent anything; a reset or a
    closed connection after connecting may have.
    """
    text = str(exc)
    never_sent = ("NewConnectionError", "Connection refused", "Name or service not known",
                  "nodename nor servname", "Failed to resolve", "No route to host")
    return not any(marker in text for marker in never_sent)
