"""The stand-in's audit logs, their search (search.py) and the usage instrumentation (api.py): keyset paging,
filters, who may read them and the version gate of the search."""

import time

import pytest

from connect_standin import StandIn
from standin_helpers import Client, content, error, user


def walk(client, url, params):
    """Follow paging.next; return (entries, number of pages)."""
    headers = {"Authorization": f"Key {client.key}"}
    response = client.session.get(url, params=params, headers=headers, timeout=10)
    entries, pages = [], 0
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        entries += body["results"]
        pages += 1
        if body["paging"]["next"] is None:
            assert body["paging"]["last"] is None
            return entries, pages
        response = client.session.get(body["paging"]["next"], headers=headers, timeout=10)


def test_audit_log_keyset_paging(demo):
    admin = Client(demo)
    entries, pages = walk(admin, demo.url + "/__api__/v1/audit_logs", {"limit": 500})
    ids = [int(e["id"]) for e in entries]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == len(demo.state.audit_logs) == 3000 and pages == 6
    down, _down_pages = walk(admin, demo.url + "/__api__/v1/audit_logs", {"limit": 400, "ascOrder": "false"})
    assert [e["id"] for e in down] == [e["id"] for e in reversed(entries)]
    times = [e["time"] for e in entries]
    assert times == sorted(times)

    first = admin.ok("GET", "/__api__/v1/audit_logs", params={"limit": 3})
    paging = first["paging"]
    assert paging["first"] is None and paging["previous"] is None and paging["cursors"]["previous"] is None
    assert paging["next"] == f"{demo.url}/__api__/v1/audit_logs?limit=3&next=3"
    second = admin.session.get(paging["next"], headers={"Authorization": f"Key {admin.key}"}).json()
    assert [e["id"] for e in second["results"]] == ["4", "5", "6"]
    back = admin.session.get(second["paging"]["previous"], headers={"Authorization": f"Key {admin.key}"}).json()
    assert back["results"] == first["results"] and back["paging"]["previous"] is None
    last = admin.ok("GET", "/__api__/v1/audit_logs", params={"limit": 3, "last": "true"})
    assert [e["id"] for e in last["results"]] == ["2998", "2999", "3000"] and last["paging"]["next"] is None
    assert admin.ok("GET", "/__api__/v1/audit_logs")["results"].__len__() == 20  # default limit
    for bad in (0, 501, -1):
        error(admin.get("/__api__/v1/audit_logs", params={"limit": bad}), 400, "InvalidRange")
    error(admin.get("/__api__/v1/audit_logs", params={"next": "abc"}), 400, "InvalidParameter")
    error(admin.get("/__api__/v1/audit_logs", params={"ascOrder": "maybe"}), 400, "InvalidParameter")
    for who in ("publisher", "viewer"):
        error(Client(demo, who).get("/__api__/v1/audit_logs"), 403, "PermissionDenied")
        error(Client(demo, who).get("/__api__/v1/audit/actions"), 403, "PermissionDenied")
        error(Client(demo, who).get("/__api__/v1/search/auditlogs"), 403, "PermissionDenied")


def test_instrumentation_paging_and_filters(demo):
    admin = Client(demo)
    usage, _usage_pages = walk(admin, demo.url + "/__api__/v1/instrumentation/shiny/usage", {"limit": 500})
    assert len(usage) == len(demo.state.shiny_usage) == 1500
    visits, _visits_pages = walk(admin, demo.url + "/__api__/v1/instrumentation/content/visits", {"limit": 500})
    assert len(visits) == 3000
    target = visits[0]["content_guid"]
    only, pages = walk(admin, demo.url + "/__api__/v1/instrumentation/content/visits",
                       {"limit": 7, "content_guid": target, "asc_order": "false"})
    assert only == [v for v in reversed(visits) if v["content_guid"] == target] and pages > 1
    start, end = visits[100]["time"], visits[200]["time"]
    window, _window_pages = walk(admin, demo.url + "/__api__/v1/instrumentation/content/visits",
                                 {"limit": 30, "from": start, "to": end})
    assert window == [v for v in visits if start <= v["time"] <= end]
    error(admin.get("/__api__/v1/instrumentation/shiny/usage", params={"from": "yesterday"}), 400, "InvalidTimeFormat")
    error(admin.get("/__api__/v1/instrumentation/shiny/usage", params={"limit": 501}), 400, "InvalidRange")
    hits = admin.ok("GET", "/__api__/v1/instrumentation/content/hits", params={"content_guid": target})
    assert len(hits) == len(visits)  # Connect ignores content_guid on hits before 2026.01.0 (test_standin_jobs.py)

    error(Client(demo, "viewer").get("/__api__/v1/instrumentation/shiny/usage"), 403, "PermissionDenied")
    carol, _carol_pages = walk(Client(demo, "carol"), demo.url + "/__api__/v1/instrumentation/content/visits", {"limit": 500})
    state = demo.state
    mine = {c["guid"] for c in state.content.values() if state.content_role(user(demo, "carol"), c) in ("owner", "editor")}
    assert carol and {v["content_guid"] for v in carol} <= mine


def search(client, q="", **params):
    return client.ok("GET", "/__api__/v1/search/auditlogs", params={"q": q, "page_size": 500, **params})


def test_audit_search_filters(fresh):
    admin = Client(fresh)
    audit = fresh.state.audit_logs
    everything = search(admin)
    assert everything["total"] == 3000 and len(everything["results"]) == 500
    assert int(everything["results"][0]["id"]) > int(everything["results"][1]["id"])  # newest first by default
    assert search(admin, order="asc")["results"][0]["id"] == "1"

    deploys = search(admin, "action:deploy_application")
    assert deploys["total"] == sum(e["action"] == "deploy_application" for e in audit)
    both = search(admin, 'action:"deploy_application",USER_LOGIN')["total"]
    assert both == sum(e["action"] in ("deploy_application", "user_login") for e in audit)
    assert search(admin, "-action:user_login")["total"] == 3000 - sum(e["action"] == "user_login" for e in audit)
    system = search(admin, "user_id:0")
    assert system["total"] == 1 and system["results"][0]["user_guid"] is None
    assert search(admin, "-user_id:0")["total"] == 2999
    dave = user(fresh, "dave")["guid"]
    assert search(admin, f"user_guid:{dave}")["total"] == sum(e["user_guid"] == dave for e in audit)
    edge = audit[1000]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(edge["time"]))
    assert search(admin, f"from:{stamp}")["total"] == sum(e["time"] >= edge["time"] for e in audit)
    assert search(admin, f"to:{stamp}")["total"] == sum(e["time"] <= edge["time"] for e in audit)
    nano = stamp.replace("Z", ".000000001Z")
    assert search(admin, f"from:{nano}")["total"] == sum(e["time"] > edge["time"] for e in audit)
    local = time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(edge["time"] + 7200))
    assert search(admin, f"to:{local}")["total"] == sum(e["time"] <= edge["time"] for e in audit)
    sales = search(admin, 'deploy "Sales Dashboard"')
    assert sales["total"] > 0 and all(
        "sales dashboard" in r["event_description"].lower() and "deploy" in (r["action"] + r["event_description"]).lower()
        for r in sales["results"])
    assert search(admin, "zzz-no-such-thing")["total"] == 0
    assert search(admin, "unknown:filter")["total"] == 0  # not a filter: a free term
    paged = [search(admin, "action:user_login", page_size=100, page_number=n)["results"] for n in range(1, 20)]
    ids = [r["id"] for page in paged for r in page]
    assert len(ids) == len(set(ids)) == search(admin, "action:user_login")["total"]
    error(admin.get("/__api__/v1/search/auditlogs", params={"q": "from:2024-13-01T00:00:00Z"}), 400, "InvalidTimeFormat")
    error(admin.get("/__api__/v1/search/auditlogs", params={"q": 'action:"open'}), 400, "InvalidFilter")
    error(admin.get("/__api__/v1/search/auditlogs", params={"q": "action:"}), 400, "InvalidFilter")
    error(admin.get("/__api__/v1/search/auditlogs", params={"page_size": 501}), 400, "InvalidRange")
    error(admin.get("/__api__/v1/search/auditlogs", params={"order": "up"}), 400, "InvalidParameter")

    # Writes are searchable right away.
    guid = content(fresh, "team-wiki")["guid"]
    admin.ok("PATCH", f"/__api__/v1/content/{guid}", json={"description": "new"})
    mine = search(admin, f'action:edit_application user_guid:{user(fresh, "admin")["guid"]} "{guid}" description')
    assert mine["total"] == 1 and "description" in mine["results"][0]["event_description"]
    actions = {a["action"] for a in admin.ok("GET", "/__api__/v1/audit/actions")}
    assert {e["action"] for e in audit} <= actions


@pytest.mark.parametrize("version, status", [("2024.12.0", 404), ("2025.01.0", 200), (None, 200)])
def test_audit_search_is_version_gated(version, status):
    with StandIn(version=version) as server:
        response = Client(server).get("/__api__/v1/search/auditlogs")
        assert response.status_code == status
        if status == 404:
            error(response, 404, "ObjectDoesNotExist")
        assert Client(server).ok("GET", "/__api__/server_settings")["version"] == (version or "")


def test_search_without_a_query_pages_by_slicing(monkeypatch):
    """A search with no `q` matches every entry: its pages are the log's own, newest first or oldest first, and
    no entry is filtered for them (a million entries were filtered and copied for each page of 500)."""
    from connect_standin import search
    server = StandIn(seed="bench", seed_options={"content": 3, "audit": 1003, "usage": 0})
    ids = [e["id"] for e in server.state.audit_logs]
    tested = []
    parse = search.parse

    def counting_parse(query):
        keep = parse(query)
        return lambda entry: tested.append(1) or keep(entry)

    monkeypatch.setattr(search, "parse", counting_parse)
    with server:
        admin = Client(server)
        for order, expected in (("desc", ids[::-1]), ("asc", ids)):
            got = []
            for number in (1, 2, 3, 4):
                page = admin.ok("GET", "/__api__/v1/search/auditlogs",
                                params={"order": order, "page_size": 300, "page_number": number})
                assert page["total"] == 1003
                got += [int(e["id"]) for e in page["results"]]
            assert got == expected
        assert not tested
        page = admin.ok("GET", "/__api__/v1/search/auditlogs", params={"q": "action:user_login", "page_size": 5})
        assert page["total"] == sum(e["action"] == "user_login" for e in server.state.audit_logs) and tested
