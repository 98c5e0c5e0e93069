"""The stand-in's HTTP server (server.py, tls.py, __main__.py): TLS, a path prefix, the request log, routing and
HTML pages, keep-alive, latency, the command line and its control endpoints."""

import json
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from connect_standin import StandIn
from connect_standin.tls import make_ca
from standin_helpers import STANDIN_DIR, Client, content, error, plain


def test_tls_with_trustme_ca(tmp_path):
    paths = make_ca(tmp_path)
    with StandIn(tls=(paths["cert"], paths["key"])) as server:
        assert server.url.startswith("https://127.0.0.1:")
        headers = {"Authorization": f"Key {server.keys['admin']}"}
        with requests.Session() as session:
            for _attempt in range(3):
                assert session.get(server.url + "/__api__/v1/user", headers=headers, verify=paths["ca"]).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            plain("GET", server.url + "/__api__/v1/user", headers=headers, verify=True)
        localhost = server.url.replace("127.0.0.1", "localhost")
        assert plain("GET", localhost + "/__api__/server_settings", verify=paths["ca"]).status_code == 200


def test_prefix():
    with StandIn(prefix="/rsc/") as server:
        assert server.url.endswith("/rsc")
        client = Client(server)
        page = client.ok("GET", "/__api__/v1/audit_logs", params={"limit": 2})
        assert page["paging"]["next"].startswith(server.url + "/__api__/v1/audit_logs?")
        item = client.ok("GET", "/__api__/v1/content")[0]
        assert item["content_url"].startswith(server.url + "/content/")
        assert server.requests[-1]["path"] == "/__api__/v1/content"
        root = server.url[: -len("/rsc")]
        outside = plain("GET", root + "/__api__/v1/content", headers={"Authorization": f"Key {client.key}"})
        assert outside.status_code == 404 and outside.headers["Content-Type"].startswith("text/html")
        assert plain("GET", root + "/__standin__/keys").json()["admin"] == client.key
        assert plain("GET", server.url + "/__standin__/keys").json()["admin"] == client.key


def test_request_log(fresh):
    client = Client(fresh, "alice")
    fresh.clear_log()
    client.get("/__api__/v1/content", params={"name": "x", "include": "tags"})
    client.ok("POST", "/__api__/v1/content", json={"name": "logged"})
    Client(fresh, None).get("/__api__/v1/user", headers={"Authorization": "Key secret-looking-key"})
    plain("GET", fresh.url + "/__standin__/log")  # control calls are not logged
    log = fresh.requests
    assert [(e["method"], e["path"], e["status"], e["user"]) for e in log] == [
        ("GET", "/__api__/v1/content", 200, "alice"),
        ("POST", "/__api__/v1/content", 200, "alice"),
        ("GET", "/__api__/v1/user", 401, None),
    ]
    assert log[0]["query"] == {"name": "x", "include": "tags"} and log[1]["body"] == {"name": "logged"}
    assert [e["method"] for e in fresh.writes()] == ["POST"]
    dumped = json.dumps(log) + json.dumps(plain("GET", fresh.url + "/__standin__/log").json())
    for key in list(fresh.keys.values()) + ["secret-looking-key"]:
        assert key not in dumped
    assert "authorization" not in dumped.lower()


def test_routing_and_html_pages(demo):
    client = Client(demo)
    error(client.get("/__api__/v1/nothing-here"), 404, "ObjectDoesNotExist")
    assert client.call("PUT", "/__api__/v1/content").status_code == 405
    for path in ("/", "/connect/"):
        page = plain("GET", demo.url + path)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        assert "<title>Posit Connect</title>" in page.text
    assert client.call("HEAD", "/__api__/v1/user").content == b""


def test_keep_alive_and_nodelay(fresh):
    """One connection serves every request (HTTP/1.1 keep-alive), with Nagle's algorithm off."""
    client = Client(fresh)
    started = time.monotonic()
    for _request in range(40):
        assert client.ok("GET", "/__api__/v1/user")
    assert time.monotonic() - started < 1.5  # with delayed ACKs this takes 40 x 40 ms
    connections = list(fresh._httpd.connections)
    assert len(connections) == 1
    assert connections[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_latency_applies_to_api_only():
    with StandIn(latency=0.1) as server:
        started = time.monotonic()
        plain("GET", server.url + "/__standin__/keys")
        assert time.monotonic() - started < 0.09
        started = time.monotonic()
        plain("GET", server.url + "/__api__/server_settings")
        assert time.monotonic() - started >= 0.1


def test_cli_and_control_endpoints(tmp_path):
    keys_file = tmp_path / "keys.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "connect_standin", "--port", "0", "--seed", "bench", "--content", "5",
         "--audit", "100", "--usage", "0", "--owner", "bob", "--prefix", "/rsc", "--version", "2024.12.0",
         "--latency-ms", "1", "--keys-file", str(keys_file)],
        cwd=STANDIN_DIR, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("READY http://127.0.0.1:") and line.endswith("/rsc")
        url = line.split()[1]
        keys = json.loads(keys_file.read_text())
        assert plain("GET", url + "/__standin__/keys").json() == keys
        headers = {"Authorization": f"Key {keys['admin']}"}
        items = plain("GET", url + "/__api__/v1/content", headers=headers).json()
        assert len(items) == 5
        assert plain("GET", url + "/__api__/server_settings").json()["version"] == "2024.12.0"
        assert plain("GET", url + "/__api__/v1/search/auditlogs", headers=headers).status_code == 404

        assert plain("PUT", url + "/__standin__/faults", json=[{"kind": "503"}]).status_code == 204
        assert plain("GET", url + "/__api__/v1/user", headers=headers).status_code == 503
        assert plain("PUT", url + "/__standin__/faults", json=[{"kind": "bad"}]).status_code == 400
        log = plain("GET", url + "/__standin__/log").json()
        assert [e["status"] for e in log] == [200, 200, 404, 503]
        assert plain("DELETE", url + "/__standin__/log").status_code == 204
        assert plain("GET", url + "/__standin__/log").json() == []
        reset = plain("POST", url + "/__standin__/reset", json={"seed": "demo"}).json()
        assert reset["keys"] == keys | {k: v for k, v in reset["keys"].items() if k not in keys}
        assert len(plain("GET", url + "/__api__/v1/content", headers=headers).json()) == 40
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_empty_seed_port_file_and_sparse(tmp_path):
    """python -m connect_standin --seed empty --port-file F --keys-file K --sparse, as a user starts it."""
    port_file, keys_file = tmp_path / "port", tmp_path / "keys.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "connect_standin", "--seed", "empty", "--version", "2026.01.0", "--port", "0",
         "--port-file", str(port_file), "--keys-file", str(keys_file), "--sparse"],
        cwd=STANDIN_DIR, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{int(port_file.read_text())}"
        keys = json.loads(keys_file.read_text())
        assert list(keys) == ["admin"]
        headers = {"Authorization": f"Key {keys['admin']}"}
        users = plain("GET", url + "/__api__/v1/users", headers=headers).json()
        assert users["total"] == 1 and users["results"][0]["user_role"] == "administrator"
        for path in ("/v1/content", "/v1/groups?page_size=500", "/v1/tags", "/v1/audit_logs"):
            answer = plain("GET", url + "/__api__" + path, headers=headers).json()
            assert answer in ([], {"results": [], "current_page": 1, "total": 0}) or answer["results"] == []
        assert plain("GET", url + "/__api__/server_settings").json()["version"] == "2026.01.0"
        group = plain("POST", url + "/__api__/v1/groups", headers=headers, json={"name": "g"}).json()
        assert "member_count" in group  # POST has no recording: in full
        assert "member_count" not in plain("GET", url + "/__api__/v1/groups", headers=headers).json()["results"][0]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_content_paths_of_unknown_content_answer_404(fresh):
    sales = content(fresh, "sales-dashboard")
    for path in (f"/content/{'0' * 8}-0000-4000-8000-{'0' * 12}/", "/content/nope/", "/not-a-vanity-path/"):
        page = plain("GET", fresh.url + path)
        assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html"), path
    for path in (f"/content/{sales['guid']}/", f"/content/{sales['guid']}/sub/page", f"/content/{sales['guid']}",
                 "/sales/", "/connect/", "/"):
        assert plain("GET", fresh.url + path).status_code == 200, path
    with fresh.state.lock:
        fresh.state.content[sales["guid"]]["title"] = "<script>alert(1)</script> {{ lookup('pipe','id') }}"
    page = plain("GET", fresh.url + f"/content/{sales['guid']}/").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    Client(fresh).ok("DELETE", f"/__api__/v1/content/{sales['guid']}")
    assert plain("GET", fresh.url + f"/content/{sales['guid']}/").status_code == 404
