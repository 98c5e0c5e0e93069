# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client for Posit Connect's Server API.

Transport only: the requests session, TLS, retries and backoff, paging, errors,
and the server's version and capabilities. It knows nothing about Ansible or about
Connect's objects: it raises ConnectError (its one-line messages are built in
module_utils/api/failures.py), and the module layer (module_utils/engine/module.py) turns that into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import ipaddress
import itertools
import json
import os
import re
import ssl
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

try:
    from urllib.parse import parse_qs, urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, but sanity imports this
    from urlparse import parse_qs, urlsplit, urlunsplit

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError
except ImportError as exc:  # pragma: no cover - exercised by the missing_required_lib test
    requests = urllib3 = InsecureRequestWarning = NewConnectionError = None
    HTTPAdapter = object
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.posit.connect.plugins.module_utils.api.backoff import RATE_LIMIT_WAIT, Backoff, retry_after_of
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.api.failures import (
    RETRY_STATUSES, connect_error, host_port, http_error, https_server, not_json_error, short, speaks_tls, tls_error)

IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"))
MAX_PAGE_SIZE = 500
# Pages of a whole offset-paged listing (every user, every group) asked for at a time (paginate_offset's pages_at_once).
LISTING_PAGES_AT_ONCE = 8
LISTING_CHUNK = 64 * 1024  # bytes read at a time from an unpaged listing (get_list)
JSON_SPACE = b" \t\n\r"  # the whitespace JSON allows between values


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


def is_loopback(host):
    """True for localhost and the loopback addresses (127.0.0.0/8, ::1)."""
    if (host or "").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def system_trust():
    """The SSLContext that verifies Connect's certificate when 'ca_path' is not set: what the system trusts.

    ssl.create_default_context() loads OpenSSL's default verify paths: the system store, or SSL_CERT_FILE and
    SSL_CERT_DIR when set. The bundle in REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) is trusted too, as requests
    does; requests adds certifi's bundle on each connection (what it trusted before), so no CA is lost."""
    context = ssl.create_default_context()
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle and os.path.exists(bundle):
        if os.path.isdir(bundle):
            context.load_verify_locations(capath=bundle)
        else:
            context.load_verify_locations(cafile=bundle)
    return context


def next_cursor(paging):
    """The cursor of the next page of a keyset-paged answer, or None on the last page.

    Read from paging.cursors.next (every recorded answer carries it); else the `next` parameter of the
    paging.next link, read as data: the link itself is never followed."""
    paging = paging or {}
    cursor = (paging.get("cursors") or {}).get("next")
    if cursor:
        return str(cursor)
    link = paging.get("next")
    if not link:
        return None
    found = parse_qs(urlsplit(str(link)).query).get("next")
    if not found:
        raise ConnectError("Connect's paging.next link carries no cursor (no 'next' parameter): the next page "
                           "cannot be asked for. A proxy may be rewriting Connect's answers.")
    return found[0]


class _Text:
    """The text of a JSON document arriving in pieces: a buffer holding only what is not yet read (from `pos`)."""

    SPACE = re.compile(r"[ \t\n\r]*")  # json.decoder's WHITESPACE
    NUMBER_TAIL = re.compile(r"[0-9.eE+-]*\Z")  # what may follow a number's first part up to the end of the text

    def __init__(self, pieces):
        self.pieces = iter(pieces)
        self.buf, self.pos, self.ended = "", 0, False

    def more(self):
        """Append the next piece of text, dropping what was read; False at the end of the text."""
        for piece in self.pieces:
            if piece:
                self.buf, self.pos = self.buf[self.pos:] + piece, 0
                return True
        self.ended = True
        return False

    def next_char(self):
        """Skip whitespace; the next character, or "" at the end of the text."""
        while True:
            self.pos = self.SPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""


def iter_json_array(pieces):
    """Yield the elements of the JSON array that the text `pieces` spell together, each as soon as it is whole.

    Only the element being read is held as text (json.JSONDecoder.raw_decode from its first character; a piece that
    ends inside it is joined with the next and the element read again). Raises ValueError for any text that
    json.loads rejects or that is not an array, after yielding the elements before the fault."""
    names = {}

    def shared_names(pairs):
        # json.loads shares one string per distinct object key across the whole document; raw_decode, called once per
        # element, would give every element its own copies (at 10,000 items of 45 keys, some 25 MiB): share them here.
        return dict([(names.setdefault(name, name), value) for name, value in pairs])

    decoder = json.JSONDecoder(object_pairs_hook=shared_names)
    text = _Text(pieces)
    if text.next_char() != "[":
        raise ValueError("not a JSON array")
    text.pos += 1
    if text.next_char() == "]":
        text.pos += 1
    else:
        while True:
            text.next_char()
            try:
                value, end = decoder.raw_decode(text.buf, text.pos)
            except ValueError:
                if text.more():
                    continue  # the element goes on in the next piece (or is malformed: the end of the text tells)
                raise
            if isinstance(value, (int, float)) and text.NUMBER_TAIL.match(text.buf, end) and text.more():
                continue  # the number may go on in the next piece ("-4." of "-4.5e6"): read it again with it
            text.pos = end
            yield value
            follows = text.next_char()
            text.pos += 1
            if follows == "]":
                break
            if follows != ",":
                raise ValueError("expected ',' or ']' after an array element")
    if text.next_char():
        raise ValueError("extra data after the JSON array")


class TrustAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose connections (direct or through a proxy) verify with one SSLContext."""

    def __init__(self, ssl_context=None, **kwargs):
        self.ssl_context = ssl_context  # before HTTPAdapter.__init__, which builds the pool manager
        super(TrustAdapter, self).__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        if self.ssl_context is not None:
            kwargs["ssl_context"] = self.ssl_context
        return super(TrustAdapter, self).init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy, **kwargs):
        if self.ssl_context is not None:
            kwargs["ssl_context"] = self.ssl_context
        return super(TrustAdapter, self).proxy_manager_for(proxy, **kwargs)


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
        if re.search(r"\s", api_key):
            raise InputError("Option 'api_key' contains a space or a line break, which no Connect API key has: "
                             "give the key alone (a key read from a file: lookup('ansible.builtin.file', path) | trim).")
        if ca_path and not os.path.exists(ca_path):
            raise InputError("Option 'ca_path': %s does not exist; set it to the PEM file of the CA that signed "
                             "Connect's certificate (or unset it to use the system's CAs)." % ca_path)
        self.timeout = timeout
        self.warn = warn or (lambda msg: None)
        self.pacing = Backoff(retries, backoff, rate_limit_wait, log or (lambda msg: None))
        self.ca_path = ca_path
        # Passed on every request: Session.verify would be overridden by
        # REQUESTS_CA_BUNDLE from the environment.
        self.verify = ca_path if ca_path else bool(validate_certs)
        if self.verify is False:
            # The module warns once per task that the certificate is not checked; not urllib3, once per request.
            urllib3.disable_warnings(InsecureRequestWarning)
        parts = urlsplit(self.api_root)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            self.warn("'server' (%s) is a plain http:// URL: the API key crosses the network to %s unencrypted. "
                      "Use Connect's https:// address." % (self.api_root, parts.hostname))
        self._tls_checked = False  # whether a plain-HTTP server's port was probed for TLS (_plain_http_to_tls)
        self.session = requests.Session()
        # Read the environment once, not on every request: proxies from HTTP(S)_PROXY and NO_PROXY for this
        # server, and never ~/.netrc, whose credentials would replace the Authorization header.
        self.session.trust_env = False
        self.session.proxies.update(requests.utils.get_environ_proxies(self.api_root))
        # Without ca_path, what the system trusts (system_trust); with it, that file alone (requests' verify).
        adapter = TrustAdapter(ssl_context=system_trust() if self.verify is True else None,
                               pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "Authorization": "Key %s" % api_key,
            "Accept": "application/json",
            "User-Agent": "posit.connect-ansible",
        })
        self._settings = None
        self._endpoints = {}

    # -- low level -------------------------------------------------------

    def url(self, path):
        """The URL of an API path ("v1/content"): always under 'server', whatever the path holds."""
        return self.api_root + "/" + path.lstrip("/")

    def _display_path(self, url):
        """The request path as shown in messages: no scheme, host or query."""
        return urlsplit(url).path

    def request(self, method, path, params=None, body=None, data=None, headers=None, dest=None, listing=False,
                keys=None):
        """Send one request and return the decoded JSON (None for 204); a failure raises ConnectError.

        data: a file object sent as the body, streamed (rewound before a retry), with `headers`.
        dest: a binary file object the answer is streamed to, in chunks; returns None then.
        listing: the answer is a JSON array, parsed element by element as it arrives (see get_list); `keys` keeps
        only those keys of each element that is an object.
        """
        method = method.upper()
        url = self.url(path)
        shown = self._display_path(url)
        causes = []  # why this request was retried, one entry per retry
        # Prepared from the session's headers alone, in the parts a Connect request has (no cookies, auth hooks
        # or files: an API key needs none), which spares requests' per-request merging and cookie handling, the
        # larger part of its own cost in a batch of a thousand writes (see _send).
        prepared = requests.PreparedRequest()
        try:
            prepared.prepare_method(method)
            prepared.prepare_url(url, params)
            prepared.prepare_headers(dict(self.session.headers, **(headers or {})))
            prepared.prepare_body(data, None, body)
        except requests.exceptions.RequestException as exc:  # a malformed URL (headers are checked in __init__)
            raise ConnectError("%s %s failed: %s" % (method, shown, short(exc)), method=method, path=shown)
        try:
            resp = self._send(method, shown, prepared, data, dest is not None or listing, causes)
        except ConnectError:
            self.pacing.count(causes, False)
            raise
        self.pacing.count(causes, resp.status_code < 300)
        if resp.status_code >= 300:
            raise http_error(method, shown, resp, self.api_root, self.pacing.rate_limit_wait)
        if dest is not None:
            for chunk in resp.iter_content(1024 * 1024):
                dest.write(chunk)
            return None
        if listing:
            try:
                return self._decode_listing(method, shown, resp, keys)
            finally:
                resp.close()  # a half-read answer (an error) closes its connection; a whole one returns it to the pool
        if resp.status_code == 204 or not resp.content:
            return None
        return self._decode(method, shown, resp)

    # The retry loop is written here rather than left to urllib3's Retry (mounted on the adapter), because what
    # it must do is not per request: a 429 pauses every thread of the client until its Retry-After has passed,
    # the pauses of a whole run share one budget (rate_limit_wait) instead of a count, and the retries of the
    # run are counted for one warning per task. Retry would need a subclass overriding increment, sleep and
    # is_retry with state shared across its copies, which is more code than this loop. Retry's own parser is used
    # for Retry-After (seconds or an HTTP date). The pacing and its shared state are in module_utils/api/backoff.py.
    def _send(self, method, shown, prepared, data, stream, causes):
        """The response after the retries: 429 within the wait budget, 502/503/504 and dropped connections
        `retries` times with exponential backoff (honouring Retry-After). A refused connection or an unknown
        host fails at once (a typo in 'server' does not get better), a timeout too (waiting again would
        multiply the time a playbook is stuck), and a request that may have reached the server is retried
        only when its method is idempotent (a POST is never sent twice)."""
        attempt = 0  # retries counted against `retries` (not the 429s, which count against rate_limit_wait)
        pacing = self.pacing
        while True:
            pacing.wait_while_throttled()
            if data is not None:
                data.seek(0)  # the prepared body is this file: a retry sends it from the start
            try:
                # Straight to the session's transport adapter: Session.send would add cookie extraction, hooks
                # and redirect following, none of which an API client wants (a redirected write would come back
                # as a GET); a redirect is an error that names where it points (failures.http_error).
                resp = self.session.get_adapter(prepared.url).send(
                    prepared, timeout=self.timeout, verify=self.verify, stream=stream, proxies=self.session.proxies)
            except requests.exceptions.SSLError as exc:
                raise tls_error(method, shown, exc, self.api_root, self.timeout, self.ca_path)
            except requests.exceptions.Timeout:
                raise ConnectError(
                    "%s %s timed out after %gs (option 'timeout'): Connect did not answer. "
                    "Check that the server is up and reachable." % (method, shown, self.timeout),
                    method=method, path=shown)
            except requests.exceptions.ConnectionError as exc:
                if isinstance(_reason(exc), NewConnectionError):
                    raise connect_error(method, shown, exc, self.api_root)
                self._plain_http_to_tls(method, shown)
                if attempt < pacing.retries and method in IDEMPOTENT_METHODS:
                    attempt += 1
                    causes.append("a dropped connection")
                    pacing.pause(attempt, None, "%s %s: connection dropped (%s)" % (method, shown, short(exc)))
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
            retry_after = retry_after_of(resp)
            if status == 429 and pacing.pause_everyone(
                    retry_after if retry_after is not None else pacing.delay(len(causes) + 1), what):
                causes.append("HTTP 429")
                continue
            if status in RETRY_STATUSES and status != 429 and attempt < pacing.retries:
                attempt += 1
                causes.append("HTTP %s" % status)
                pacing.pause(attempt, retry_after, what)
                continue
            return resp

    def _plain_http_to_tls(self, method, shown):
        """Raise at once, without retries, when an http:// server's port dropped the connection because it speaks
        TLS (probed once per client: a TLS handshake that reads nothing and sends nothing)."""
        if self._tls_checked or not self.api_root.startswith("http://"):
            return
        self._tls_checked = True
        host, port = host_port(self.api_root)
        if speaks_tls(host, port, min(self.timeout, 10)):
            raise ConnectError(
                "%s %s: the server at %s:%s speaks TLS, and closed the plain-HTTP connection that 'server' (%s) "
                "asked for. Set 'server' to %s." % (method, shown, host, port, self.api_root, https_server(self.api_root)),
                method=method, path=shown)

    def retry_summary(self):
        """One line about every retry of this client's run, or None (see Backoff.summary)."""
        return self.pacing.summary()

    def _decode(self, method, shown, resp):
        if "json" not in resp.headers.get("Content-Type", ""):
            raise not_json_error(method, shown, resp, self.api_root)
        try:
            return resp.json()
        except ValueError:
            raise self._malformed(method, shown, resp, len(resp.content))

    @staticmethod
    def _malformed(method, shown, resp, size):
        return ConnectError(
            "%s %s: Connect answered HTTP %s with malformed JSON (%d bytes). A proxy may be "
            "altering responses." % (method, shown, resp.status_code, size),
            method=method, path=shown, status=resp.status_code)

    def _decode_listing(self, method, shown, resp, keys):
        """The JSON array of a streamed answer, read in chunks and parsed element by element (iter_json_array), so
        that the whole answer's bytes and text are never held, nor more of each element than `keys`. The result and
        every error are those of _decode: None for an empty answer, the same error for one that is not JSON or is
        malformed (its size counted to the end); an answer that is not an array (or not UTF-8) is decoded whole."""
        if resp.status_code == 204:
            return None
        chunks = resp.iter_content(LISTING_CHUNK)
        head = b""
        for chunk in chunks:
            head += chunk
            if head.lstrip(JSON_SPACE):
                break
        if not head:
            return None
        if "json" not in resp.headers.get("Content-Type", ""):
            raise not_json_error(method, shown, resp, self.api_root)
        try:
            utf8 = codecs.lookup(resp.encoding or "").name == "utf-8"
        except LookupError:
            utf8 = False
        if not utf8 or not head.lstrip(JSON_SPACE).startswith(b"["):
            # Decoded whole, as requests decodes any other answer: the response takes the bytes read and the rest.
            resp._content = head + b"".join(chunks)
            return self._decode(method, shown, resp)
        size = [0]
        text = codecs.getincrementaldecoder("utf-8")(errors="replace")  # as requests' Response.text decodes

        def pieces():
            for chunk in itertools.chain([head], chunks):
                size[0] += len(chunk)
                yield text.decode(chunk)
            yield text.decode(b"", True)

        items = []
        try:
            for item in iter_json_array(pieces()):
                if keys is not None and isinstance(item, dict):
                    item = dict((key, value) for key, value in item.items() if key in keys)
                items.append(item)
        except ValueError:
            size[0] += sum(len(chunk) for chunk in chunks)
            raise self._malformed(method, shown, resp, size[0])
        return items

    def visit(self, path):
        """GET a page of the Connect server outside the API (a content URL, "content/<guid>/") as the API key's
        user, as a browser would open it; returns the HTTP status. The URL is built from 'server' alone and a
        redirect is not followed (no link to another host); the page itself is not read."""
        url = self.api_root[:-len("/__api__")] + "/" + path.lstrip("/")
        shown = self._display_path(url)
        prepared = requests.PreparedRequest()
        prepared.prepare_method("GET")
        prepared.prepare_url(url, None)
        prepared.prepare_headers(dict(self.session.headers, Accept="text/html,*/*"))
        prepared.prepare_body(None, None, None)
        causes = []
        resp = self._send("GET", shown, prepared, None, True, causes)
        self.pacing.count(causes, resp.status_code < 400)
        resp.close()
        return resp.status_code

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def get_list(self, path, params=None, keys=None):
        """GET an unpaged listing (GET /v1/content answers every item in one JSON array), parsed element by element
        as it arrives: the answer's text is never held whole, and with `keys` (a set of names) each element keeps only
        those keys as soon as it is parsed. Returns what get returns (a list; None for an empty answer)."""
        return self.request("GET", path, params=params, listing=True, keys=keys)

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
        """GET a binary answer (a bundle archive) streamed into dest, a binary file object."""
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

    def paginate_offset(self, path, params=None, page_size=MAX_PAGE_SIZE, prefetch=False, pages_at_once=1):
        """Yield every result of an offset-paged endpoint (users, groups, search).

        Stops once `total` results were seen (or, without `total`, on a short
        page) or on an empty page; a page that repeats the previous one (old
        servers ignoring page_number) ends it with a warning.

        prefetch: ask for the next page (in one more thread) while the caller handles this one, for a caller that
        reads every page (an export of the whole audit log): the same requests in the same order, and the time the
        caller spends on a page overlaps the next page's round trip.

        pages_at_once: for a caller that reads the whole listing (every user, to name access-list entries), up to
        this many of the pages that page 1's `total` announces are asked for at a time once page 2 has shown that
        the server pages (page 2 alone, so a server ignoring page_number costs one page more, as before). The
        results still come in page order; a listing that grew meanwhile goes on page by page. A caller that stops
        early leaves at most pages_at_once - 1 pages unread.
        """
        params = dict(params or {})
        params["page_size"] = min(int(page_size), MAX_PAGE_SIZE)

        def fetch(number):
            return self.get(path, params=dict(params, page_number=number)) or {}

        ahead = max(1 if prefetch else 0, int(pages_at_once) - 1)  # pages asked for beyond the one at hand
        pool = ThreadPoolExecutor(max_workers=ahead) if ahead else None
        queued = deque()  # the futures of the pages after the one at hand, in page order
        try:
            page, seen, previous_first, asked = 1, 0, object(), 1
            data = fetch(page)
            while True:
                results = data.get("results") or []
                if results and results[0] == previous_first:
                    self.warn("%s ignored page_number %d and repeated page 1; stopping."
                              % (path, page))
                    return
                seen += len(results)
                total = data.get("total")
                last = not results or (seen >= total if total is not None
                                       else len(results) < params["page_size"])
                if pool is not None and not last:
                    # Page 1 asks for page 2 alone; later pages fill the window up to the last announced page.
                    announced = -(-total // params["page_size"]) if total is not None else page + 1
                    upto = page + 1 if page == 1 else min(page + ahead, max(announced, page + 1))
                    while asked < upto:
                        asked += 1
                        queued.append(pool.submit(fetch, asked))
                yield from results
                if last:
                    return
                previous_first = results[0]
                page += 1
                if queued:
                    data = queued.popleft().result()
                else:
                    data, asked = fetch(page), page
        finally:
            if pool is not None:
                for future in queued:
                    future.cancel()
                pool.shutdown(wait=True)

    def paginate_keyset(self, path, params=None, limit=MAX_PAGE_SIZE):
        """Yield every result of a keyset-paged endpoint (audit logs, usage).

        Each next page is asked for at this server, with the same path and parameters and the cursor
        (next_cursor), as posit-sdk does: the paging.next link names the host of Connect's Server.Address,
        which need not be the one in 'server' (a proxy, or a link to any other host), and the API key goes
        nowhere but 'server'."""
        params = dict(params or {})
        params["limit"] = min(int(limit), MAX_PAGE_SIZE)
        while True:
            data = self.get(path, params=params) or {}
            yield from data.get("results") or []
            cursor = next_cursor(data.get("paging"))
            if cursor is None:
                return
            params["next"] = cursor

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
        workers = min(concurrency, len(items))
        # At most two calls per worker are queued at a time (the pool's own map would queue one per item: a batch of
        # 10,000 would hold 10,000 futures); a slow call holds up no other.
        results = [None] * len(items)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            running = {}
            for index, item in enumerate(items):
                if len(running) >= 2 * workers:
                    done, _pending = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        results[running.pop(future)] = future.result()
                running[pool.submit(run, item)] = index
            for future, index in running.items():
                results[index] = future.result()
        return results


def _reason(exc):
    """The urllib3 exception under a requests ConnectionError (NewConnectionError: nothing was sent)."""
    inner = exc.args[0] if exc.args else None
    return getattr(inner, "reason", inner)
