"""The shared client against the stand-in: URLs, errors, retries, paging, TLS, versions."""

import json
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api import backoff
from ansible_collections.posit.connect.plugins.module_utils.api import failures
from ansible_collections.posit.connect.plugins.module_utils.api.client import (
    ConnectClient,
    ConnectError,
    normalize_server,
    parse_version,
)
from ansible_collections.posit.connect.plugins.module_utils.api.error_codes import ERROR_CODES
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import find_user, require_owner, require_user
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from connect_standin import StandIn
from connect_standin.tls import make_ca

SHARED = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "fixtures" / "connect-api"


@pytest.fixture
def sleeps(monkeypatch):
    """Record the client's backoff sleeps (module_utils/api/backoff.py) instead of sleeping; its clock moves on by each sleep."""
    recorded = []
    clock = [1000.0]

    def sleep(seconds):
        recorded.append(round(seconds, 3))
        clock[0] += seconds

    monkeypatch.setattr(backoff.time, "sleep", sleep)
    monkeypatch.setattr(backoff.time, "monotonic", lambda: clock[0])
    return recorded


def make_client(server, key=None, **kw):
    """A client whose warnings and per-retry lines (what a module shows at -v) are kept in lists."""
    warnings, lines = [], []
    kw.setdefault("warn", warnings.append)
    kw.setdefault("log", lines.append)
    client = ConnectClient(server.url, key or server.keys["admin"], **kw)
    client.warnings, client.lines = warnings, lines
    return client


@pytest.mark.parametrize("given,expected", [
    ("https://c.example", "https://c.example/__api__"),
    ("https://c.example/", "https://c.example/__api__"),
    ("https://c.example/__api__", "https://c.example/__api__"),
    ("https://c.example/__api__/", "https://c.example/__api__"),
    ("https://c.example/rsc/", "https://c.example/rsc/__api__"),
    ("https://c.example/rsc/__api__", "https://c.example/rsc/__api__"),
    ("https://c.example/__api__/v1", "https://c.example/__api__"),
    ("https://c.example/__api__/v1/", "https://c.example/__api__"),
    ("https://c.example/rsc/__api__/v1", "https://c.example/rsc/__api__"),
    (" http://127.0.0.1:3939 ", "http://127.0.0.1:3939/__api__"),
])
def test_server_url_forms_normalize_to_the_api_root(given, expected):
    assert normalize_server(given) == expected


@pytest.mark.parametrize("bad", ["", "connect.example.com", "ftp://c.example"])
def test_bad_server_url_names_the_option(bad):
    with pytest.raises(InputError, match="'server'"):
        normalize_server(bad)


def test_error_code_table_matches_connects_reference():
    table = json.loads((SHARED / "error-codes.json").read_text())
    assert ERROR_CODES == {int(k): v for k, v in table.items()}
    assert ERROR_CODES[156] == "InvalidOwner"


def test_versions_parse():
    assert parse_version("2025.09.0") == (2025, 9, 0)
    assert parse_version("1.8.8.2-12") == (1, 8, 8)
    assert parse_version("") is None
    assert parse_version(None) is None


@pytest.mark.parametrize("suffix", ["", "/", "/__api__", "/__api__/", "/__api__/v1"])
def test_every_url_form_reaches_a_server_behind_a_path_prefix(suffix):
    server = StandIn(prefix="/rsc")
    server.start()
    try:
        client = ConnectClient(server.url + suffix, server.keys["admin"])
        assert client.get("v1/user")["username"] == "admin"
        assert server.requests[-1]["path"] == "/__api__/v1/user"
    finally:
        server.stop()


def test_api_key_goes_in_the_authorization_header_and_a_bad_key_gets_a_clear_401(standin):
    assert make_client(standin).get("v1/user")["user_role"] == "administrator"
    bad = "not-a-real-key-123"
    with pytest.raises(ConnectError) as err:
        make_client(standin, key=bad).get("v1/user")
    message = str(err.value)
    assert "GET /__api__/v1/user failed: HTTP 401" in message
    assert "'api_key'" in message and bad not in message
    assert ".." not in message and ". Check 'api_key'" in message and message.endswith("locked.")
    assert err.value.code is not None and err.value.code_name == ERROR_CODES[err.value.code]


def test_connect_error_bodies_become_one_line_with_code_name_and_text(standin):
    client = make_client(standin)
    with pytest.raises(ConnectError) as err:
        client.get("v1/content/not-a-guid")
    assert err.value.status == 400 and err.value.code == 3
    assert str(err.value).startswith("GET /__api__/v1/content/not-a-guid failed: HTTP 400: Connect error 3 InvalidId")
    assert "\n" not in str(err.value)
    with pytest.raises(ConnectError) as err:
        client.get("v1/content/00000000-0000-0000-0000-000000000000")
    assert err.value.status == 404 and "Connect error 4 ObjectDoesNotExist" in str(err.value)


def test_publisher_key_on_an_admin_endpoint_gets_a_403_hint(standin):
    with pytest.raises(ConnectError) as err:
        make_client(standin, key=standin.keys["publisher"]).get("v1/audit_logs")
    assert err.value.status == 403 and "administrator" in str(err.value)


def test_429_is_retried_honouring_retry_after(standin, sleeps):
    standin.set_faults([{"kind": "429", "every": 2, "count": 2, "retry_after": 3}])
    client = make_client(standin)
    for _attempt in range(4):
        assert client.get("v1/user")["username"] == "admin"
    assert sleeps == [3.0, 3.0]
    assert [r["status"] for r in standin.requests].count(429) == 2
    # One line per retry for -v; the warning is one summary for the whole run.
    assert len(client.lines) == 2 and "HTTP 429" in client.lines[0] and client.warnings == []
    assert client.retry_summary() == "2 requests were retried after HTTP 429; all succeeded"


def test_retry_after_as_an_http_date_is_honoured(standin, sleeps):
    standin.set_faults([{"kind": "503", "count": 1, "retry_after": formatdate(time.time() + 60, usegmt=True)}])
    assert make_client(standin).get("v1/user")["username"] == "admin"
    assert len(sleeps) == 1 and 55 <= sleeps[0] <= 61


def test_many_retries_are_summed_up_in_one_line(standin, sleeps):
    standin.set_faults([{"kind": "503", "every": 2}])
    client = make_client(standin)
    for _request in range(38):  # the 1st request passes, then every other one gets a 503 and its retry passes
        client.get("v1/user")
    assert client.retry_summary() == "37 requests were retried after HTTP 503; all succeeded"
    assert len(client.lines) == 37 and client.warnings == []

    standin.set_faults([{"kind": "503", "count": 6}, {"kind": "drop", "count": 1, "method": "GET"}])
    other = make_client(standin, retries=5)
    with pytest.raises(ConnectError):
        other.get("v1/user")
    other.get("v1/user")
    assert other.retry_summary() == "2 requests were retried after HTTP 503 (1) and a dropped connection (1); 1 succeeded, 1 still failed"
    assert make_client(standin).retry_summary() is None


def test_a_batch_queues_at_most_two_calls_per_worker_and_keeps_the_order(monkeypatch):
    """map_concurrent over 2,000 items: the pool never holds more than two waiting calls per worker (a future per
    item would be 2,000 futures at once); results come back in input order, an error stays with its item."""
    from ansible_collections.posit.connect.plugins.module_utils.api import client as client_module

    queued = []

    class Counting(client_module.ThreadPoolExecutor):
        def submit(self, *args, **kwargs):
            queued.append(self._work_queue.qsize())
            return super(Counting, self).submit(*args, **kwargs)

    monkeypatch.setattr(client_module, "ThreadPoolExecutor", Counting)

    def work(n):
        time.sleep(0.0005 if n % 7 else 0.002)
        if n == 1234:
            raise ConnectError("item 1234 failed")
        return n * 2

    client = ConnectClient("https://connect.example.com", "key")
    results = client.map_concurrent(work, range(2000), 4)
    assert [entry[0] for entry in results] == list(range(2000))
    assert [entry[1] for entry in results if entry[0] != 1234] == [n * 2 for n in range(2000) if n != 1234]
    assert str(results[1234][2]) == "item 1234 failed" and results[1234][1] is None
    assert len(queued) == 2000 and max(queued) <= 8


def test_a_429_on_every_third_request_does_not_fail_a_200_item_batch(standin, sleeps):
    """429s wait out Retry-After within rate_limit_wait; they do not use up `retries` (0 here)."""
    standin.set_faults([{"kind": "429", "every": 3, "retry_after": 1}])
    client = make_client(standin, retries=0)
    guids = [c["guid"] for c in client.get("v1/content")]
    items = (guids * 5)[:200]
    results = client.map_concurrent(lambda g: client.get("v1/content/%s" % g)["guid"], items, 8)
    assert [entry[2] for entry in results if entry[2]] == []
    assert [entry[1] for entry in results] == items
    throttled = [e for e in standin.requests if e["status"] == 429]
    assert len(throttled) >= 90
    assert "retried after HTTP 429; all succeeded" in client.retry_summary()


def test_rate_limiting_past_the_wait_budget_fails_naming_rate_limit_wait(standin, sleeps):
    standin.set_faults([{"kind": "429", "retry_after": 10}])
    client = make_client(standin, rate_limit_wait=35)
    with pytest.raises(ConnectError) as err:
        client.get("v1/user")
    assert sleeps == [10.0, 10.0, 10.0]  # a fourth pause would take the waits past 35 s
    assert err.value.status == 429 and "'rate_limit_wait' (35s" in str(err.value)
    assert client.retry_summary() == "1 request was retried after HTTP 429; it still failed"


def test_a_429_pauses_every_thread_of_a_batch_until_retry_after(standin):
    standin.set_faults([{"kind": "429", "every": 10, "count": 1, "retry_after": 1}])
    client = make_client(standin)
    results = client.map_concurrent(lambda _: client.get("v1/user")["username"], range(40), 4)
    assert [entry[1] for entry in results] == ["admin"] * 40
    log = standin.requests
    throttled = next(e["time"] for e in log if e["status"] == 429)
    # Requests already on their way may land just after the 429 (on a loaded machine, those other threads sent before
    # the client had read the 429); then nothing until Retry-After has passed, and at least half the batch waited.
    assert [e for e in log if throttled + 0.1 < e["time"] < throttled + 0.95] == []
    assert len(log) == 41 and sum(1 for e in log if e["time"] >= throttled + 0.95) >= 20


def test_503_backs_off_exponentially_then_gives_up_with_the_status(standin, sleeps):
    standin.set_faults([{"kind": "503", "every": 1}])
    client = make_client(standin, retries=3, backoff=1.0)
    with pytest.raises(ConnectError) as err:
        client.get("v1/user")
    assert err.value.status == 503 and "option 'retries'" in str(err.value)
    assert len(standin.requests) == 4
    assert [int(s) for s in sleeps] == [1, 2, 4]  # jitter adds at most a quarter


def test_dropped_connections_are_retried_for_reads_but_a_post_is_never_repeated(standin, sleeps):
    standin.set_faults([{"kind": "drop", "every": 1, "count": 2, "method": "GET"}])
    client = make_client(standin)
    assert client.get("v1/user")["username"] == "admin"
    assert len(sleeps) == 2

    standin.set_faults([{"kind": "drop", "every": 1, "count": 1, "method": "POST"}])
    standin.clear_log()
    with pytest.raises(ConnectError, match="POST /__api__/v1/content"):
        client.post("v1/content", body={"name": "never-twice"})
    assert [r["method"] for r in standin.requests].count("POST") == 1


def test_a_hung_server_fails_after_timeout_without_retrying(standin):
    standin.set_faults([{"kind": "hang", "seconds": 5, "count": 1}])
    client = make_client(standin, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(ConnectError) as err:
        client.get("v1/user")
    assert time.monotonic() - started < 3
    assert "timed out after 0.5s" in str(err.value) and "'timeout'" in str(err.value)


@pytest.mark.parametrize("kind,expected", [
    ("html", "expected JSON from the Connect API but got text/html"),
    ("malformed", "malformed JSON"),
])
def test_a_proxy_page_or_broken_json_is_named_as_such(standin, kind, expected):
    standin.set_faults([{"kind": kind, "every": 1}])
    with pytest.raises(ConnectError) as err:
        make_client(standin).get("v1/user")
    assert expected in str(err.value)


def test_a_wrong_url_pointing_at_a_web_page_says_to_check_server(standin):
    with pytest.raises(ConnectError) as err:
        ConnectClient(standin.url + "/connect/#/apps", standin.keys["admin"]).get("v1/user")
    assert "'server'" in str(err.value)


@pytest.mark.parametrize("page", ["/connect/", "/connect/#/apps", "/connect"])
def test_the_dashboard_url_is_recognised_and_the_message_gives_the_server_url(standin, page):
    with pytest.raises(ConnectError) as err:
        ConnectClient(standin.url + page, standin.keys["admin"]).get("v1/user")
    message = str(err.value)
    assert "is Connect's dashboard address (%s/connect/); the server URL is %s." % (standin.url, standin.url) in message
    assert "path prefix" not in message


def test_the_dashboard_url_of_a_server_answering_404_gets_the_same_advice():
    resp = type("Response", (), {"status_code": 404, "headers": {"Content-Type": "text/plain"}, "content": b"404"})()
    api_root = normalize_server("http://127.0.0.1:1/connect/")
    message = str(failures.http_error("GET", "/connect/__api__/v1/user", resp, api_root, 300))
    assert "the server URL is http://127.0.0.1:1." in message and "path prefix" not in message


@pytest.mark.parametrize("server", ["http://127.0.0.1:9", "http://no-such-host.invalid"])
def test_a_refused_connection_or_an_unknown_host_fails_at_once(server, sleeps):
    started = time.monotonic()
    client = ConnectClient(server, "key", warn=[].append)
    with pytest.raises(ConnectError) as err:
        client.get("v1/user")
    assert sleeps == [] and time.monotonic() - started < 5
    message = str(err.value)
    assert "Check the host and port in 'server' (%s/__api__)" % server in message
    assert ("connection refused" in message) if ":9" in server else ("'no-such-host.invalid' could not be resolved" in message)
    assert client.retry_summary() is None


def test_a_missing_ca_path_fails_naming_the_option_before_any_request(standin, tmp_path):
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(InputError) as err:
        make_client(standin, ca_path=missing)
    assert str(err.value).startswith("Option 'ca_path': %s does not exist" % missing)
    assert standin.requests == []


def test_https_to_a_plain_http_port_says_the_server_did_not_answer_tls(standin):
    url = standin.url.replace("http://", "https://")
    with pytest.raises(ConnectError) as err:
        ConnectClient(url, standin.keys["admin"]).get("v1/user")
    message = str(err.value)
    port = url.rsplit(":", 1)[1]
    assert "the server at 127.0.0.1:%s did not answer TLS" % port in message
    assert "check the scheme and port in 'server'" in message and "ca_path" not in message


def test_a_hostname_mismatch_lists_the_names_the_certificate_carries(tmp_path):
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("connect.example.com", "connect-backup.example.com")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    (tmp_path / "cert.pem").write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    server = StandIn(tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))).start()
    try:
        with pytest.raises(ConnectError) as err:
            make_client(server, ca_path=str(tmp_path / "ca.pem")).get("v1/user")
        message = str(err.value)
        assert "the server's certificate does not name '127.0.0.1'" in message
        assert "it names connect.example.com, connect-backup.example.com" in message
        assert "ca_path" not in message
    finally:
        server.stop()


def test_offset_paging_yields_every_user_once():
    server = StandIn(seed="bench", seed_options={"users": 1203, "content": 1})
    server.start()
    try:
        client = make_client(server)
        users = list(client.paginate_offset("v1/users"))
        assert len(users) == len(server.state.users)
        assert len({u["guid"] for u in users}) == len(users)
        pages = [r for r in server.requests if r["path"] == "/__api__/v1/users"]
        assert len(pages) == -(-len(users) // 500)
        assert all(r["query"]["page_size"] == "500" for r in pages)
    finally:
        server.stop()


def test_keyset_paging_follows_next_until_the_end(standin):
    client = make_client(standin)
    logs = list(client.paginate_keyset("v1/audit_logs", {"ascOrder": "false"}))
    assert len(logs) == len(standin.state.audit_logs) > 500
    assert len({e["id"] for e in logs}) == len(logs)
    assert logs[0]["time"] >= logs[-1]["time"]
    pages = [r for r in standin.requests if r["path"] == "/__api__/v1/audit_logs"]
    assert len(pages) == -(-len(logs) // 500)
    assert all(r["query"]["limit"] == "500" for r in pages)


def test_version_is_read_once_and_endpoints_are_probed_once(standin):
    client = make_client(standin)
    assert client.version() >= (2025, 1, 0) and client.has_endpoint("v1/search/auditlogs", {"page_size": 1})
    client.version()
    client.has_endpoint("v1/search/auditlogs", {"page_size": 1})
    paths = [r["path"] for r in standin.requests]
    assert paths.count("/__api__/server_settings") == 1 and paths.count("/__api__/v1/search/auditlogs") == 1

    old = StandIn(version="2024.06.0")
    hidden = StandIn(version=None)
    old.start()
    hidden.start()
    try:
        assert make_client(old).has_endpoint("v1/search/auditlogs") is False
        probe = make_client(hidden)
        assert probe.version() is None and probe.has_endpoint("v1/search/auditlogs") is True
        # A publisher's 403 comes from the endpoint: it exists.
        assert make_client(hidden, key=hidden.keys["publisher"]).has_endpoint("v1/search/auditlogs") is True
    finally:
        old.stop()
        hidden.stop()


def test_tls_self_signed_needs_ca_path_or_validate_certs_false(tmp_path, monkeypatch):
    # The machine's own bundle is in the environment, as on many users' machines:
    # it must not override the client's TLS options.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    paths = make_ca(str(tmp_path))
    server = StandIn(tls=(paths["cert"], paths["key"]))
    server.start()
    try:
        assert server.url.startswith("https://")
        with pytest.raises(ConnectError) as err:
            make_client(server).get("v1/user")
        assert "'ca_path'" in str(err.value) and "'validate_certs: false'" in str(err.value)
        assert make_client(server, ca_path=paths["ca"]).get("v1/user")["username"] == "admin"
        assert make_client(server, validate_certs=False).get("v1/user")["username"] == "admin"
    finally:
        server.stop()


def test_concurrent_requests_share_one_session(standin):
    client = make_client(standin, pool_size=8)
    guids = [c["guid"] for c in client.get("v1/content")][:16]
    out = client.map_concurrent(lambda g: client.get("v1/content/%s" % g)["guid"], guids + ["bad"], 8)
    assert [entry[1] for entry in out[:-1]] == guids
    assert out[-1][2].status == 400


def test_user_lookup_by_username_or_guid(standin):
    client = make_client(standin)
    admin = find_user(client, "admin")
    assert find_user(client, admin["guid"])["username"] == "admin"
    assert find_user(client, "nobody-here") is None
    with pytest.raises(InputError, match="Option 'owner'"):
        require_user(client, "nobody-here", "owner")
    viewer = next(u for u in standin.state.users.values() if u["user_role"] == "viewer" and not u["locked"])
    with pytest.raises(InputError, match="viewer"):
        require_owner(client, viewer["username"])


@pytest.mark.parametrize("key", ["abc def", "abcdef\n", "\tabcdef"])
def test_an_api_key_with_whitespace_fails_naming_the_option_without_showing_the_key(standin, key):
    standin.clear_log()
    with pytest.raises(InputError) as err:
        ConnectClient(standin.url, key)
    assert "Option 'api_key'" in str(err.value) and "trim" in str(err.value) and key.strip() not in str(err.value)
    assert standin.requests == []


def test_a_redirect_is_not_followed_and_names_where_it_points():
    """A redirect (http:// to https://, a moved proxy) fails with its target; the write is not resent as a GET."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen = []

    class Redirect(BaseHTTPRequestHandler):
        def do_PATCH(self):
            seen.append((self.command, self.path))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(301)
            self.send_header("Location", "https://connect.example.com" + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PATCH

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = ConnectClient("http://127.0.0.1:%d" % server.server_address[1], "k")
        with pytest.raises(ConnectError) as err:
            client.patch("v1/content/abc", body={"title": "t"})
    finally:
        server.shutdown()
        server.server_close()
    assert err.value.status == 301
    assert "redirects to https://connect.example.com/__api__/v1/content/abc" in str(err.value)
    assert "set 'server'" in str(err.value)
    assert seen == [("PATCH", "/__api__/v1/content/abc")]


@pytest.mark.parametrize("server, warned", [
    ("http://connect.example.com", True), ("http://10.0.0.5:3939/rsc/", True), ("http://127.0.0.1:3939", False),
    ("http://localhost:3939", False), ("http://[::1]:3939", False), ("https://connect.example.com", False)])
def test_a_key_sent_over_plain_http_to_another_host_warns_once(server, warned):
    warnings = []
    ConnectClient(server, "a-key-of-some-length", warn=warnings.append)
    assert len(warnings) == (1 if warned else 0)
    if warned:
        assert "plain http://" in warnings[0] and "https://" in warnings[0] and "a-key-of" not in warnings[0]


def test_the_next_page_is_rebuilt_from_the_cursor_never_from_the_link():
    from ansible_collections.posit.connect.plugins.module_utils.api.client import next_cursor

    recorded = SHARED / "fixtures" / "posit-sdk-py" / "__api__" / "v1" / "instrumentation"
    first = json.loads((recorded / "shiny" / "usage@limit=500.json").read_text())
    assert next_cursor(first["paging"]) == "23948901087"
    last = json.loads((recorded / "content" / "visits@limit=500&next=23948901087.json").read_text())
    assert next_cursor(last["paging"]) is None and next_cursor(None) is None
    assert next_cursor({"next": "https://evil.example/__api__/v1/audit_logs?next=42&limit=500"}) == "42"
    with pytest.raises(ConnectError, match="carries no cursor"):
        next_cursor({"next": "https://evil.example/steal"})


@pytest.mark.parametrize("body", [b"Client sent an HTTP request to an HTTPS server.\n",
                                  b"<html><center>The plain HTTP request was sent to HTTPS port</center></html>"])
def test_a_tls_ports_answer_to_plain_http_says_to_use_https(body):
    import requests

    resp = requests.Response()
    resp.status_code, resp._content = 400, body
    resp.headers["Content-Type"] = "text/plain; charset=utf-8"
    error = failures.http_error("GET", "/__api__/v1/user", resp, "http://connect.example.com:3939/rsc/__api__", 300)
    assert "speaks TLS" in str(error) and "Set 'server' to https://connect.example.com:3939/rsc." in str(error)
