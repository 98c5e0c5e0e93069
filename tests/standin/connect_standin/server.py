"""The HTTP layer: a threaded HTTP/1.1 server on loopback, the request log,
latency, faults and the /__standin__ control endpoints."""

import html
import json
import re
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import api, faults as faults_mod, jobs
from .errors import APIError
from .faults import Faults
from .model import make_key
from .seed import ROLE_KEYS, build

DEFAULT_VERSION = "2025.09.0"   # behaviour when the version is hidden (version=None)

DASHBOARD_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Posit Connect</title>
<link rel="stylesheet" href="/connect/static/app.css"></head>
<body><div id="app">Loading Posit Connect&hellip;</div><script src="/connect/static/app.js"></script></body></html>
"""
NOT_FOUND_PAGE = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>\n"
HTML = "text/html; charset=utf-8"
CONTENT_PATH = re.compile(r"^/content/(?P<guid>[^/]+)(?P<rest>/.*)?$")


def content_visit(standin, method, item, rest):
    """The answer (status, body, content type, headers) to a visit of a content item's URL: `item` is the stored
    record, `rest` the path below the item's root ("/" for the root; a vanity URL's path is read the same way).
    Called with the model's lock held.  Connect would start or reuse a process and record a hit; here a page."""
    del standin, method, rest  # unused until visits are modelled
    title = html.escape(item.get("title") or item["name"])
    return 200, CONTENT_PAGE.format(title=title).encode("utf-8"), HTML, []


CONTENT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><iframe src="about:blank" title="{title}"></iframe></body></html>
"""


def page(standin, method, path):
    """The answer to a request outside /__api__: the dashboard, a content URL (known item or vanity URL:
    content_visit) or 404 as Connect answers an unknown path."""
    if path == "/" or path == "/connect" or path.startswith("/connect/"):
        return 200, DASHBOARD_PAGE, HTML, []
    state = standin.state
    with state.lock:
        match = CONTENT_PATH.match(path)
        if match:
            item = state.content.get(match.group("guid").lower())
            if item is not None:
                return content_visit(standin, method, item, match.group("rest") or "/")
            return 404, NOT_FOUND_PAGE, HTML, []
        for guid, vanity in state.vanity_urls.items():
            if path == vanity.rstrip("/") or path.startswith(vanity):
                return content_visit(standin, method, state.content[guid], "/" + path[len(vanity):])
    return 404, NOT_FOUND_PAGE, HTML, []


def version_tuple(version):
    return tuple(int(part) for part in (version or DEFAULT_VERSION).split(".") if part.isdigit())


class StandIn:
    """A Posit Connect stand-in server.  See tests/standin/README.md."""

    def __init__(self, version=DEFAULT_VERSION, latency=0.0, prefix="", tls=None, seed="demo",
                 seed_options=None, port=0, search_since=None, sparse=False, task_seconds=None):
        self.version = version          # str like "2025.09.0"; None hides it (and behaves as DEFAULT_VERSION)
        self.sparse = sparse            # answer recorded endpoints with only the keys every recording carries
        self.search_since = search_since  # version tuple from which GET /v1/search/auditlogs is served (None: 2025.1.0)
        self.latency = float(latency)   # seconds slept before answering each API request
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.tls = tls                  # (certfile, keyfile) or None
        self.task_seconds = task_seconds  # how long every render and build task lasts (None: by its lines)
        self.state = build(seed, seed_options)
        self.state.task_seconds = task_seconds
        self.faults = Faults()
        self.killed = False
        self._log = []
        self._log_lock = threading.Lock()
        self._httpd = None
        self._closer = None             # thread closing the listener after a kill
        self._port = int(port)          # 0: any free port
        self._stopping = threading.Event()

    # ---------------------------------------------------------- lifecycle
    def start(self):
        """Listen on 127.0.0.1 (port 0 the first time; the same port after a kill)."""
        if self._closer is not None:
            self._closer.join()
        httpd = _Server(("127.0.0.1", self._port), _Handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            httpd.socket = context.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
        httpd.standin = self
        self._httpd, self._port, self.killed = httpd, httpd.server_address[1], False
        self._stopping.clear()
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         name="connect-standin", daemon=True).start()
        return self

    def stop(self):
        self._stopping.set()
        if self._closer is not None:
            self._closer.join()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            _close(httpd)

    def kill(self):
        """Die like a killed process: stop listening and close every connection.
        start() brings the server back on the same port with the same state."""
        self.killed = True
        httpd, self._httpd = self._httpd, None
        if httpd is not None:  # called from a handler thread: close from another one
            self._closer = threading.Thread(target=_close, args=(httpd,), daemon=True)
            self._closer.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._port

    @property
    def url(self):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._port}{self.prefix}"

    # ------------------------------------------------------------- state
    @property
    def keys(self):
        """username -> API key, plus the aliases admin/publisher/viewer/locked."""
        with self.state.lock:
            names = {u["username"] for u in self.state.users.values()}
        keys = {name: make_key(name) for name in sorted(names)}
        keys.update({alias: make_key(user) for alias, user in ROLE_KEYS.items() if user in names})
        return keys

    def reset(self, seed="demo", seed_options=None):
        """Rebuild the model from a seed; clears the request log and the fault rules."""
        self.state = build(seed, seed_options)
        self.state.task_seconds = self.task_seconds
        self.faults.set([])
        self.clear_log()

    def set_faults(self, rules):
        self.faults.set(rules)

    def add_user(self, username, role="publisher", **fields):
        with self.state.lock:
            return self.state.add_user(username, role, **fields)

    def add_content(self, name, owner="alice", **fields):
        """Store a content item owned by `owner` (a username), without audit or rules."""
        with self.state.lock:
            user = self.state.user_by_username(owner)
            if user is None:
                raise ValueError(f"unknown user {owner!r}")
            return self.state.add_content(name, user["guid"], **fields)

    def add_audit(self, action, description, user="admin", when=None):
        """Append an audit entry while the server runs (as Connect records one); user None is the system."""
        with self.state.lock:
            actor = self.state.user_by_username(user) if user else None
            if user and actor is None:
                raise ValueError(f"unknown user {user!r}")
            return self.state.record(actor, action, description, when)

    # --------------------------------------------------------------- log
    @property
    def requests(self):
        with self._log_lock:
            return list(self._log)

    def writes(self):
        return [entry for entry in self.requests if entry["method"] not in ("GET", "HEAD")]

    def clear_log(self):
        with self._log_lock:
            self._log.clear()

    def _record(self, entry):
        with self._log_lock:
            self._log.append(entry)


def _close(httpd):
    """Stop listening, then close every open connection (as a dying process would)."""
    httpd.shutdown()
    httpd.server_close()
    with httpd.connections_lock:
        connections = list(httpd.connections)
    for connection in connections:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, *args):
        self.standin = None       # the StandIn this server answers for
        self.connections = set()  # sockets of live handler threads
        self.connections_lock = threading.Lock()
        super().__init__(*args)

    def handle_error(self, request, client_address):
        # Clients that hang up, time out or fail the TLS handshake are normal here.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PositConnectStandIn"
    sys_version = ""
    timeout = 120

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()  # in this thread, not in the accept loop
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self):
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    # ---------------------------------------------------------- plumbing
    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type="application/json; charset=utf-8", headers=()):
        """Write one response; Content-Length always set (none for 204)."""
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body or b"")))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _drop(self):
        self.close_connection = True

    def _base_url(self, standin):
        scheme = "https" if standin.tls else "http"
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"{scheme}://{host}{standin.prefix}"

    # ---------------------------------------------------------- dispatch

    def _dispatch(self):
        standin = self.server.standin
        if standin.killed or standin._stopping.is_set():
            return self._drop()
        started = time.monotonic()
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        body = self._read_body()
        path = split.path
        if standin.prefix and (path == standin.prefix or path.startswith(standin.prefix + "/")):
            path = path[len(standin.prefix):] or "/"
        elif standin.prefix and not path.startswith("/__standin__"):
            path = None  # outside the prefix: a proxy would not route it to Connect
        if path is not None and path.startswith("/__standin__"):
            return self._control(standin, path, body)

        entry = {"method": self.command, "path": path if path is not None else split.path,
                 "query": _query_dict(pairs), "status": None, "user": None, "fault": None,
                 "time": time.time()}
        if body and self.command not in ("GET", "HEAD"):
            entry["body"] = _loggable(body)
        if path is None:
            answer = (404, NOT_FOUND_PAGE, HTML, [])
        elif path == "/__api__" or path.startswith("/__api__/"):
            answer = self._api(standin, entry, path, pairs, body)
        else:
            jobs.visit_content(standin.state, path, self.headers.get("Authorization"), self.headers.get("User-Agent"))
            answer = page(standin, self.command, path)
        if answer is not None:
            entry["status"] = answer[0]
        entry["duration_ms"] = round((time.monotonic() - started) * 1000, 3)
        standin._record(entry)  # before answering, so a client never sees its answer before the log does
        if answer is None:
            return self._drop()
        self._send(*answer)
        if (entry["fault"] is None and self.command not in ("GET", "HEAD") and answer[0] < 400
                and path.startswith("/__api__") and standin.faults.count_write(self.command, path)):
            standin.kill()
        return None

    def _api(self, standin, entry, path, pairs, body):
        """The answer (status, body, content type, headers) to an API request; None to drop it."""
        if standin.latency:
            time.sleep(standin.latency)
        rule = standin.faults.pick(self.command, path)
        if rule is not None:
            entry["fault"] = rule.kind
            if not (rule.kind == "drop" and rule.after_write):
                return self._fault(standin, rule)

        auth = self.headers.get("Authorization", "")
        scheme, _space, key = auth.partition(" ")
        req = api.Request(self.command, path, pairs, body, self._base_url(standin),
                          key.strip() if scheme.lower() == "key" else None, standin.state,
                          {"version": standin.version, "version_tuple": version_tuple(standin.version),
                           "search_since": standin.search_since, "sparse": standin.sparse})
        status, payload = api.handle(req)
        entry["user"] = req.user["username"] if req.user else None
        if rule is not None:  # drop after the request was handled: the write happened, the answer is lost
            entry["handled_status"] = status
            return None
        return (status, payload, getattr(payload, "content_type", "application/json; charset=utf-8"),
                list(getattr(payload, "headers", ())))

    def _fault(self, standin, rule):
        kind = rule.kind
        if kind == "hang":
            standin._stopping.wait(rule.seconds)
        if kind in ("drop", "hang"):
            return None
        if kind == "html":
            return 200, faults_mod.LOGIN_PAGE, HTML, []
        if kind == "malformed":
            return 200, faults_mod.MALFORMED_JSON, "application/json; charset=utf-8", []
        status = int(kind)
        headers = [("Retry-After", str(rule.retry_after))] if rule.retry_after is not None else []
        if status in (429, 500):
            error = (APIError(429, "RateLimitExceeded", "Too many requests; slow down.") if status == 429
                     else APIError(500, "InternalFailure", "An internal error occurred."))
            return status, json.dumps(error.body()).encode(), "application/json; charset=utf-8", headers
        return status, faults_mod.proxy_page(status, self.responses[status][0]), HTML, headers

    def _control(self, standin, path, body):
        """/__standin__/* : drive a server running in another process (no auth)."""
        route = (self.command, path.rstrip("/"))
        try:
            data = json.loads(body) if body else None
            if route == ("GET", "/__standin__/log"):
                return self._send(200, json.dumps(standin.requests).encode())
            if route == ("DELETE", "/__standin__/log"):
                standin.clear_log()
                return self._send(204, None)
            if route == ("PUT", "/__standin__/faults"):
                standin.set_faults(data or [])
                return self._send(204, None)
            if route == ("POST", "/__standin__/reset"):
                data = data or {}
                standin.reset(data.get("seed", "demo"), data.get("options"))
                return self._send(200, json.dumps({"keys": standin.keys}).encode())
            if route == ("POST", "/__standin__/audit"):  # {"action", "description", "user"?, "when"?}
                data = data or {}
                entry = standin.add_audit(data.get("action"), data.get("description"), data.get("user", "admin"),
                                          data.get("when"))
                return self._send(200, json.dumps({"id": str(entry["id"])}).encode())
            if route == ("GET", "/__standin__/keys"):
                return self._send(200, json.dumps(standin.keys).encode())
        except ValueError as exc:
            return self._send(400, json.dumps({"error": str(exc)}).encode())
        return self._send(404, json.dumps({"error": f"no control endpoint {self.command} {path}"}).encode())


def _query_dict(pairs):
    query = {}
    for name, value in pairs:
        if name in query:
            query[name] = (query[name] if isinstance(query[name], list) else [query[name]]) + [value]
        else:
            query[name] = value
    return query


def _loggable(body):
    try:
        return json.loads(body)
    except ValueError:
        return body[:1000].decode("utf-8", "replace")
