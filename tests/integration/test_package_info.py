"""posit.connect.connect_package_info against the stand-in: real ansible-playbook runs, checked against the
stand-in's seeded packages and its request log."""

from collections import Counter

from packaging.version import Version
from playbook_runs import localhost_play


def rows_named(state, name):
    return [p for guid, rows in state.packages.items() if guid in state.content for p in rows if p["name"] == name]


PLAY = localhost_play("""
    - name: old requests
      posit.connect.connect_package_info:
        name: requests
        language: python
        version: "<2.32"
        summarize: true
    - name: every requests
      posit.connect.connect_package_info:
        name: requests
        summarize: true
      check_mode: true
    - name: one item
      posit.connect.connect_package_info:
        content: "{{ app }}"
    - name: R Matrix from 1.6-2 on
      posit.connect.connect_package_info:
        name: Matrix
        language: r
        version: ">=1.6-2"
    - name: nothing
      posit.connect.connect_package_info:
        name: no-such-package
""")


def test_package_queries(standin, playbook):
    state = standin.state
    app = next(c for c in state.content.values() if c["name"] == "sales-dashboard")
    run = playbook(PLAY, extra_vars=dict(app=app["guid"])).ok()

    old = run["old requests"]
    expected = [p for p in rows_named(state, "requests") if Version(p["version"]) < Version("2.32")]
    assert old["changed"] is False and old["count"] == len(expected) > 0
    assert sorted(r["content_guid"] for r in old["packages"]) == sorted(p["content_guid"] for p in expected)
    for row in old["packages"]:
        item = state.content[row["content_guid"]]
        assert row["title"] == item["title"] and row["content_name"] == item["name"]
        assert row["owner_username"] == state.users[item["owner_guid"]]["username"]
        assert row["content_url"].endswith("/content/%s/" % item["guid"]) and row["language_version"] == item["py_version"]
        assert Version(row["version"]) < Version("2.32") and "app_guid" not in row
    every = run["every requests"]
    counts = Counter(p["version"] for p in rows_named(state, "requests"))
    assert every["summary"] == [dict(language="python", name="requests", items=sum(counts.values()),
                                     versions=[dict(version=v, items=counts[v])
                                               for v in sorted(counts, key=Version)])]
    assert sum(v["items"] for v in old["summary"][0]["versions"]) == old["count"]

    one = run["one item"]
    assert one["count"] == len(state.packages[app["guid"]]) and {r["title"] for r in one["packages"]} == {"Sales Dashboard"}
    matrix = run["R Matrix from 1.6-2 on"]
    assert {r["version"] for r in matrix["packages"]} == {"1.6-5"}
    assert matrix["count"] == sum(1 for p in rows_named(state, "Matrix") if p["version"] == "1.6-5")
    assert run["nothing"]["packages"] == [] and run["nothing"]["count"] == 0

    # The requests: Connect's name filter with full pages, one content listing per task that found rows, no writes.
    packages = [r for r in standin.requests if r["path"] == "/__api__/v1/packages"]
    assert [r["query"].get("name") for r in packages] == ["requests", "requests", "Matrix", "no-such-package"]
    assert all(r["query"]["page_size"] == "500" for r in packages)
    listings = [r for r in standin.requests if r["path"] == "/__api__/v1/content"]
    assert len(listings) == 3 and all(r["query"]["include"] == "owner" for r in listings)
    assert [r["path"] for r in standin.requests if "packages" in r["path"] and "content" in r["path"]] == \
        ["/__api__/v1/content/%s/packages" % app["guid"]]
    assert standin.writes() == []


def test_bad_input_fails_before_any_request(standin, playbook):
    for args, message in ((dict(version="~=1.0"), "Option 'version': '~=1.0' is not an R version specifier"),
                          (dict(version="<<2", language="python"), "is not a Python version specifier"),
                          (dict(content="sales-dashboard"), "Option 'content': 'sales-dashboard' is not a content guid"),
                          (dict(language="julia"), "language")):
        standin.clear_log()
        run = playbook(tasks="""
            - name: bad
              posit.connect.connect_package_info: %s
        """ % args)
        assert run.rc != 0 and message in run["bad"]["msg"], run["bad"]
        assert standin.requests == []


def test_unknown_content_and_a_publishers_view(standin, playbook):
    run = playbook(tasks="""
        - name: unknown
          posit.connect.connect_package_info:
            content: 0f0e0d0c-0b0a-4908-8706-050403020100
          ignore_errors: true
        - name: as victor
          posit.connect.connect_package_info:
            name: requests
    """, api_key=standin.keys["viewer"])
    assert "no content item with guid '0f0e0d0c-0b0a-4908-8706-050403020100'" in run["unknown"]["msg"]
    victor = standin.state.user_by_username("victor")
    visible = {c["guid"] for c in standin.state.visible_content(victor)}
    seen = {r["content_guid"] for r in run["as victor"]["packages"]}
    assert seen and seen <= visible and len(seen) < len({p["content_guid"] for p in rows_named(standin.state, "requests")})
