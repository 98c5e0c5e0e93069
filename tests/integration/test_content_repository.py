"""posit.connect.connect_content_repository against the stand-in: set, change, detach; check mode and diff."""

import json

import pytest


def play(*tasks):
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:"]
    for name, args, extra in tasks:
        lines += ["    - name: %s" % name, "      register: %s" % name, "      posit.connect.connect_content_repository:"]
        lines += ["        %s: %s" % (key, json.dumps(value)) for key, value in args.items()]
        lines += ["      %s" % line for line in extra]
    return "\n".join(lines) + "\n"


@pytest.fixture
def item(standin):
    standin.reset(seed="demo")
    return standin.add_content("stock-report", owner="alice", title="Stock report")


def test_set_change_detach_with_check_and_diff(standin, item, playbook):
    where = dict(name="stock-report", owner="alice")
    repo = dict(where, repository="https://github.com/rstudio/connect-examples", directory="stock-report")
    run = playbook(play(("set", repo, ["check_mode: true"])), diff=True).ok()
    assert run["set"]["changed"] is True and run["set"]["repository"]["branch"] == "main"
    assert run["set"]["diff"]["after"]["repository"] == repo["repository"]
    assert standin.writes() == []

    run = playbook(play(("set", repo, []), ("again", repo, []), ("poll", dict(where, polling=True), []),
                        ("detach", dict(where, state="absent"), []), ("gone", dict(where, state="absent"), [])),
                   diff=True).ok()
    assert run["set"]["changed"] is True and run["again"]["changed"] is False
    assert run["poll"]["changed"] is True and run["poll"]["diff"] == {
        "before": {"polling": False, "content": "stock-report"}, "after": {"polling": True, "content": "stock-report"},
        "before_header": "git repository of content 'stock-report' (%s)" % item["guid"],
        "after_header": "git repository of content 'stock-report' (%s)" % item["guid"]}
    assert run["detach"]["changed"] is True and run["gone"]["changed"] is False
    assert run["set"]["content"]["guid"] == item["guid"]
    path = "/__api__/v1/content/%s/repository" % item["guid"]
    assert [(e["method"], e["path"]) for e in standin.writes()] == [("PUT", path), ("PATCH", path), ("DELETE", path)]
    assert standin.writes()[0]["body"] == {"repository": repo["repository"], "directory": "stock-report"}
    assert item["guid"] not in standin.state.repositories


def test_bad_input(standin, item, playbook):
    run = playbook(play(("ssh", dict(name="stock-report", repository="git@github.com:a/b.git"), ["ignore_errors: true"]),
                        ("nothing", dict(name="stock-report", polling=True), ["ignore_errors: true"]),
                        ("nobody", dict(name="no-such-item", repository="https://x.example/r"),
                         ["ignore_errors: true"])))
    assert "Option 'repository'" in run["ssh"]["msg"] and "https" in run["ssh"]["msg"]
    assert "Option 'repository' is required" in run["nothing"]["msg"]
    assert "no content named 'no-such-item'" in run["nobody"]["msg"]
    assert standin.writes() == []
