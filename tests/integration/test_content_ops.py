"""posit.connect.connect_content_render, connect_content_restart and connect_content_build against the stand-in:
real ansible-playbook runs, asserting results, per-item status and the stand-in's request log."""

import json

import pytest

from reference import undeclared

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""

HOSTILE = "{{ lookup('pipe','touch /tmp/opsrun-pwned') }} {% raw %}x{% endraw %}\n\r\u2028\u0085 =cmd|' /C calc'!A0 <script>\"'"


def task(name, module, args, extra=""):
    lines = ["    - name: %s" % name, "      register: %s" % name, "      posit.connect.%s:" % module]
    lines += ["        %s: %s" % (key, json.dumps(value)) for key, value in args.items()]
    lines += ["      " + line for line in extra.splitlines()]
    return "\n".join(lines)


def play(*tasks):
    return PLAY % "\n".join(tasks)


def deployed(standin, *modes):
    return sorted((c for c in standin.state.content.values() if c["app_mode"] in modes and c["bundle_id"]),
                  key=lambda c: c["name"])


def api_requests(standin):
    """The stand-in's log of API requests (the restart's visit of the content URL is a page, not an operation)."""
    return [e for e in standin.requests if e["path"].startswith("/__api__")]


def writes(standin):
    return [(e["method"], e["path"].replace("/__api__/", "")) for e in standin.writes()]


@pytest.fixture
def demo(standin):
    standin.reset(seed="demo")
    return standin


# -------------------------------------------------------------------- render
def test_render_follows_each_task_and_check_mode_writes_nothing(demo, playbook):
    reports = deployed(demo, "rmd-static", "quarto-static")[:3]
    items = [dict(guid=c["guid"]) for c in reports]
    run = playbook(play(task("render", "connect_content_render", dict(items=items))), check=True, diff=True).ok()
    result = run["render"]
    assert demo.writes() == []
    assert result["changed"] is True and result["check_mode"] is True
    assert [e["status"] for e in result["results"]] == ["rendered"] * 3
    assert [e["msg"] for e in result["results"]] == ["would render"] * 3
    assert all("task" not in e for e in result["results"])

    run = playbook(play(task("render", "connect_content_render", dict(items=items, concurrency=3)))).ok()
    result = run["render"]
    assert writes(demo) == [("POST", "v1/content/%s/render" % c["guid"]) for c in reports] or \
        sorted(writes(demo)) == sorted(("POST", "v1/content/%s/render" % c["guid"]) for c in reports)
    assert result["changed_count"] == 3 and result["failed_count"] == 0
    for entry, content in zip(result["results"], reports):
        assert entry["guid"] == content["guid"] and entry["status"] == "rendered"
        assert entry["task"]["finished"] is True and entry["task"]["code"] == 0 and entry["output"] == []
    assert [c["guid"] for c in reports] == [i["guid"] for i in result["changed_items"]]
    assert undeclared(api_requests(demo)) == []


def test_render_of_interactive_content_fails_that_item_naming_restart(demo, playbook):
    report = deployed(demo, "rmd-static")[0]
    app = deployed(demo, "shiny")[0]
    run = playbook(play(task("render", "connect_content_render",
                             dict(items=[dict(guid=report["guid"]), dict(guid=app["guid"])]), "ignore_errors: true")))
    result = run["render"]
    assert result["_status"] == "failed" and result["failed_count"] == 1
    ok, bad = result["results"]
    assert ok["status"] == "rendered" and ok["task"]["finished"] is True
    assert bad["status"] == "failed" and "connect_content_restart" in bad["msg"] and bad["changed"] is False
    assert writes(demo) == [("POST", "v1/content/%s/render" % report["guid"])]


def test_render_wait_false_returns_the_task_unfollowed(demo, playbook):
    report = deployed(demo, "jupyter-static")[0]
    run = playbook(play(task("render", "connect_content_render", dict(guid=report["guid"], wait=False)))).ok()
    entry = run["render"]["results"][0]
    assert entry["task"]["id"] and entry["task"]["finished"] is False
    assert not [e for e in demo.requests if "/v1/tasks/" in e["path"]]


def test_render_bad_wait_timeout_names_the_option_before_any_request(demo, playbook):
    report = deployed(demo, "rmd-static")[0]
    run = playbook(play(task("render", "connect_content_render", dict(guid=report["guid"], wait_timeout=-1),
                             "ignore_errors: true")))
    assert run["render"]["_status"] == "failed" and "wait_timeout" in run["render"]["msg"]
    assert demo.requests == []


def test_render_selects_by_owner_and_app_mode_with_a_publishers_key(demo, playbook):
    owner = demo.state.users[deployed(demo, "rmd-static")[0]["owner_guid"]]
    mine = [c for c in deployed(demo, "rmd-static") if c["owner_guid"] == owner["guid"]]
    run = playbook(play(task("render", "connect_content_render", dict(owned_by=owner["username"], app_mode=["rmd-static"]))),
                   api_key=demo.keys[owner["username"]]).ok()
    assert sorted(e["guid"] for e in run["render"]["results"]) == sorted(c["guid"] for c in mine)
    assert all(e["status"] == "rendered" for e in run["render"]["results"])


# --------------------------------------------------------------------- build
def test_build_rebuilds_the_active_bundle_and_reports_a_failed_build_with_its_log_tail(demo, playbook):
    good, bad = deployed(demo, "python-fastapi")[:2]
    from connect_standin import bundles
    bundle = next(b for b in bundles._bundles(demo.state, bad) if b["id"] == bad["bundle_id"])
    bundle["manifest"] = dict(bundle["manifest"], standin={"fail": "pip could not install numpy"})
    items = [dict(guid=good["guid"]), dict(guid=bad["guid"])]
    run = playbook(play(task("build", "connect_content_build", dict(items=items), "ignore_errors: true")), check=True)
    assert demo.writes() == [] and run["build"]["failed_count"] == 0
    assert [e["bundle_id"] for e in run["build"]["results"]] == [good["bundle_id"], bad["bundle_id"]]

    run = playbook(play(task("build", "connect_content_build", dict(items=items), "ignore_errors: true")))
    result = run["build"]
    assert result["_status"] == "failed" and result["failed_count"] == 1
    ok, failed = result["results"]
    assert ok["status"] == "built" and ok["task"]["code"] == 0
    assert failed["status"] == "failed" and failed["changed"] is True and failed["task"]["code"] == 1
    assert "pip could not install numpy" in failed["msg"] and failed["output"][-1].startswith("Error:")
    assert sorted(writes(demo)) == sorted([("POST", "v1/content/%s/build" % good["guid"]),
                                          ("POST", "v1/content/%s/build" % bad["guid"])])
    assert undeclared(api_requests(demo)) == []
    bodies = [e["body"] for e in demo.writes()]
    assert sorted(b["bundle_id"] for b in bodies) == sorted([good["bundle_id"], bad["bundle_id"]])


# ------------------------------------------------------------------- restart
def running_keys(standin, item):
    from connect_standin import jobs
    return set(j["key"] for j in jobs.running(standin.state, item))


def test_restart_sets_and_removes_a_variable_visits_and_confirms_from_jobs(demo, playbook):
    app = deployed(demo, "shiny")[0]
    demo.state.environments.setdefault(app["guid"], {})["KEEP"] = "secret"
    before = running_keys(demo, app)
    key = demo.keys[demo.state.users[app["owner_guid"]]["username"]]
    run = playbook(play(task("restart", "connect_content_restart", dict(guid=app["guid"]))), check=True, api_key=key).ok()
    assert demo.writes() == [] and run["restart"]["results"][0]["msg"] == "would restart"
    assert not [e for e in demo.requests if e["path"].startswith("/content/")]

    run = playbook(play(task("restart", "connect_content_restart", dict(guid=app["guid"]))), api_key=key).ok()
    entry = run["restart"]["results"][0]
    assert entry["status"] == "restarted" and entry["visit_status"] == 200
    assert entry["ended"] == sorted(before) and entry["job"] not in before
    assert running_keys(demo, app) == {entry["job"]}
    assert demo.state.environments[app["guid"]] == {"KEEP": "secret"}
    patches = demo.writes()
    assert [(e["method"], e["path"]) for e in patches] == [("PATCH", "/__api__/v1/content/%s/environment" % app["guid"])] * 2
    first, second = (e["body"] for e in patches)
    assert first[0]["name"].startswith("_CONNECT_RESTART_TMP_") and second == [dict(name=first[0]["name"], value=None)]
    visits = [e for e in demo.requests if e["path"].startswith("/content/")]
    assert [(e["method"], e["path"]) for e in visits] == [("GET", "/content/%s/" % app["guid"])]
    assert undeclared(api_requests(demo)) == []
    assert "secret" not in json.dumps(run["restart"])


def test_restart_of_rendered_content_fails_naming_render(demo, playbook):
    report = deployed(demo, "quarto-static")[0]
    run = playbook(play(task("restart", "connect_content_restart", dict(guid=report["guid"]), "ignore_errors: true")))
    result = run["restart"]
    assert result["_status"] == "failed" and "connect_content_render" in result["results"][0]["msg"]
    assert demo.writes() == []


def test_restart_says_before_any_write_when_the_keys_user_may_not_view_the_item(demo, playbook):
    """An administrator who is not a viewer gets app_role none: Connect would not start the app for that visit."""
    app = next(c for c in deployed(demo, "shiny", "python-shiny", "python-dash", "api")
               if not demo.state.content_role(demo.state.users[demo.state.keys[demo.keys["admin"]]], c))
    run = playbook(play(task("restart", "connect_content_restart", dict(guid=app["guid"]), "ignore_errors: true")))
    entry = run["restart"]["results"][0]
    assert entry["status"] == "failed" and "may not view" in entry["msg"] and "nothing was changed" in entry["msg"]
    assert demo.writes() == []


def test_restart_with_hostile_titles_carries_them_as_data(demo, playbook, tmp_path):
    app = deployed(demo, "python-dash")[0]
    app["title"] = HOSTILE
    owner = demo.state.users[app["owner_guid"]]
    run = playbook(play(task("restart", "connect_content_restart", dict(guid=app["guid"]))),
                   api_key=demo.keys[owner["username"]]).ok()
    entry = run["restart"]["results"][0]
    assert entry["title"] == HOSTILE and entry["status"] == "restarted"
    import os
    assert not os.path.exists("/tmp/opsrun-pwned")
