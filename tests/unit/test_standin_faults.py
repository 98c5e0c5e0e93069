"""The stand-in's faults (faults.py): error statuses, HTML and malformed answers, dropped connections, hangs and a
process killed after some writes."""

import time

import pytest
import requests

from standin_helpers import Client, content, error


def test_status_faults(fresh):
    client = Client(fresh)
    fresh.set_faults([{"kind": "429", "every": 2, "retry_after": 1, "path": "/v1/content$"},
                      {"kind": "503", "every": 3, "method": "GET", "path": "/v1/users"}])
    statuses = [client.get("/__api__/v1/content").status_code for _attempt in range(4)]
    assert statuses == [200, 429, 200, 429]
    limited = client.get("/__api__/v1/content")
    limited = client.get("/__api__/v1/content")
    assert limited.headers["Retry-After"] == "1"
    error(limited, 429, "RateLimitExceeded")
    users = [client.get("/__api__/v1/users") for _attempt in range(3)]
    assert [r.status_code for r in users] == [200, 200, 503]
    assert users[2].headers["Content-Type"].startswith("text/html")
    assert client.get("/__api__/v1/user").status_code == 200  # unmatched paths are untouched
    faulted = [e for e in fresh.requests if e["fault"]]
    assert [(e["fault"], e["status"]) for e in faulted] == [("429", 429)] * 3 + [("503", 503)]

    fresh.set_faults([{"kind": "500", "count": 2}])
    assert [client.get("/__api__/v1/user").status_code for _attempt in range(3)] == [500, 500, 200]
    fresh.set_faults([{"kind": "html"}])
    page = client.get("/__api__/v1/content")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    fresh.set_faults([{"kind": "malformed"}])
    broken = client.get("/__api__/v1/content")
    assert broken.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        broken.json()
    fresh.set_faults([{"kind": "html"}])
    assert client.get("/connect/").status_code == 200  # non-API paths never fault
    with pytest.raises(ValueError):
        fresh.set_faults([{"kind": "explode"}])
    with pytest.raises(ValueError):
        fresh.set_faults([{"kind": "429", "evry": 2}])


def test_drop_faults(fresh):
    client = Client(fresh)
    guid = content(fresh, "team-wiki")["guid"]
    fresh.set_faults([{"kind": "drop", "every": 2, "method": "PATCH"}])
    client.ok("PATCH", f"/__api__/v1/content/{guid}", json={"title": "One"})
    with pytest.raises(requests.ConnectionError):
        client.call("PATCH", f"/__api__/v1/content/{guid}", json={"title": "Two"})
    assert fresh.state.content[guid]["title"] == "One"  # dropped before handling
    assert client.ok("GET", f"/__api__/v1/content/{guid}")["title"] == "One"

    fresh.set_faults([{"kind": "drop", "method": "POST", "after_write": True, "count": 1}])
    with pytest.raises(requests.ConnectionError):
        client.call("POST", "/__api__/v1/content", json={"name": "lost-answer"})
    assert list(client.ok("GET", "/__api__/v1/content", params={"name": "lost-answer"}))  # the write happened
    entry = fresh.writes()[-1]
    assert entry["fault"] == "drop" and entry["status"] is None and entry["handled_status"] == 200
    error(client.call("POST", "/__api__/v1/content", json={"name": "lost-answer"}), 400, "DuplicateName")


def test_hang_fault(fresh):
    fresh.set_faults([{"kind": "hang", "seconds": 5, "count": 1}])
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(fresh.url + "/__api__/v1/user", headers={"Authorization": f"Key {fresh.keys['admin']}"},
                     timeout=0.3)
    assert time.monotonic() - started < 2
    assert Client(fresh).get("/__api__/v1/user").status_code == 200  # count exhausted


def test_kill_after_writes_and_restart(fresh):
    client = Client(fresh)
    fresh.set_faults([{"kind": "kill_after", "writes": 2, "method": "POST"}])
    client.ok("POST", "/__api__/v1/content", json={"name": "k1"})
    client.ok("PATCH", f"/__api__/v1/content/{content(fresh, 'team-wiki')['guid']}", json={"title": "Wiki"})
    error(client.call("POST", "/__api__/v1/content", json={"name": "k1"}), 400, "DuplicateName")  # failed: not counted
    client.ok("POST", "/__api__/v1/content", json={"name": "k2"})  # the 2nd successful POST: answered, then death
    time.sleep(0.2)
    with pytest.raises(requests.ConnectionError):
        client.get("/__api__/v1/user")
    with pytest.raises(requests.ConnectionError):
        requests.get(fresh.url + "/__api__/v1/user", timeout=2)
    fresh.start()  # "restart the process": same port, same data
    names = {c["name"] for c in Client(fresh).ok("GET", "/__api__/v1/content")}
    assert {"k1", "k2"} <= names
