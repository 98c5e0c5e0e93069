"""posit.connect.content_as_code against the stand-in: export, plan (zero drift right after export), drift
reports, apply, check mode in every form writing nothing, prune's double guard, secrets never shown."""

import csv
import json
import os
import stat

import pytest
import yaml

from connect_standin import StandIn
from playbook_runs import role_play
from connect_state import content_by

from ansible_collections.posit.connect.plugins.filter.content_as_code import EXPORT_FIELDS

SECRET = "cac-secret-value-5d1c9e"


@pytest.fixture
def demo(standin):
    """The demo server with every facet in use: tags, vanity URLs, ACLs (seeded) and environment variables."""
    standin.reset(seed="demo")
    for owner, name in (("dave", "sales-dashboard"), ("bob", "finance-dashboard")):
        standin.state.environments[content_by(standin, owner, name)["guid"]] = {"DB_URL": SECRET, "MODE": "prod"}
    return standin


def run_role(playbook, tmp_path, **extra):
    return playbook(role_play("content_as_code", "connect_cac"), extra_vars=extra)


def test_export_then_plan_reports_zero_drift(demo, playbook, tmp_path):
    spec = tmp_path / "spec.yml"
    run = run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec)).ok()
    assert run["fact"]["connect_cac"]["total"] == 40 and demo.writes() == []
    text = spec.read_text()
    assert SECRET not in text and "prod" not in text
    assert "# environment variables on the server (values not exported): [DB_URL, MODE]" in text
    items = dict(((i["owner"], i["name"]), i) for i in yaml.safe_load(text)["items"])
    sales = items[("dave", "sales-dashboard")]
    assert sales == {"name": "sales-dashboard", "owner": "dave", "access_type": "logged_in",
                     "description": "Sales Dashboard maintained by dave.", "idle_timeout": 3600, "max_processes": 5,
                     "min_processes": 1, "title": "Sales Dashboard",
                     "tags": ["Department/Sales", "Lifecycle/Production"], "vanity_url": "/sales/",
                     "permissions": [{"principal": "Finance", "principal_type": "group"},
                                     {"principal": "alice", "role": "owner"}]}
    assert items[("dave", "scratch-experiment")] == {"name": "scratch-experiment", "owner": "dave"}  # defaults only

    demo.clear_log()
    report = tmp_path / "drift.md"
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_report=str(report), connect_cac_fail_on_drift=True).ok()
    fact = run["fact"]["connect_cac"]
    assert (fact["drifted"], fact["fields"], fact["rows"], fact["total"]) == (0, 0, [], 40)
    assert demo.writes() == []
    assert "No drift" in report.read_text()
    assert list(csv.reader((tmp_path / "drift.csv").open())) == [
        ["index", "name", "owner", "guid", "status", "field", "before", "after"]]


def test_plan_reports_drift_field_by_field_and_fails_in_ci(demo, playbook, tmp_path):
    spec = [
        {"name": "sales-dashboard", "owner": "dave", "title": "Sales (EMEA)", "tags": ["Department/Finance"],
         "vanity_url": "/sales-emea/", "environment": {"DB_URL": SECRET, "NEW": SECRET},
         "permissions": [{"principal": "bob"}]},
        {"name": "brand-new", "owner": "erin", "title": "Brand New"},
        {"name": "quarterly-report", "owner": "alice"},
    ]
    report = tmp_path / "plan.md"
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec=spec, connect_cac_purge=True,
                   connect_cac_report=str(report), connect_cac_fail_on_drift=True)
    assert run.rc != 0 and "2 of 3 items differ from the spec" in run.stdout
    assert demo.writes() == []
    assert SECRET not in run.stdout + run.stderr + report.read_text()
    rows = list(csv.DictReader((tmp_path / "plan.csv").open()))
    fields = dict(((r["name"], r["field"]), (r["before"], r["after"])) for r in rows)
    assert fields[("sales-dashboard", "title")] == ("Sales Dashboard", "Sales (EMEA)")
    assert fields[("sales-dashboard", "tags")] == ("Department/Sales, Lifecycle/Production", "Department/Finance")
    assert fields[("sales-dashboard", "vanity_url")] == ("/sales/", "/sales-emea/")
    assert fields[("sales-dashboard", "environment")] == (
        "DB_URL=********, MODE=********", "DB_URL=********, NEW=******** (value sent)")
    assert fields[("sales-dashboard", "permissions")] == (
        "user alice (owner), group Finance (viewer)", "user bob (viewer)")
    assert fields[("brand-new", "(item)")] == ("", "created")
    assert "| sales-dashboard (" in report.read_text()


@pytest.mark.parametrize("how", ["--check", "play", "block", "include_role"])
def test_apply_in_check_mode_writes_nothing(demo, playbook, tmp_path, how):
    spec = [{"name": "sales-dashboard", "owner": "dave", "title": "Changed", "tags": ["Department/Finance"]}]
    extra = dict(connect_cac_mode="apply", connect_cac_spec=spec, connect_cac_prune=True, connect_cac_prune_confirm=39)
    if how == "--check":
        run = playbook(role_play("content_as_code", "connect_cac"), extra_vars=extra, check=True)
    else:
        run = playbook("""
        - hosts: localhost
          gather_facts: false
          %s
          tasks:
            - name: block
              %s
              block:
                - name: role
                  ansible.builtin.include_role:
                    name: posit.connect.content_as_code
                    %s
        """ % ("check_mode: true" if how == "play" else "", "check_mode: true" if how == "block" else "",
               "apply: {check_mode: true}" if how == "include_role" else ""), extra_vars=extra)
    run.ok()
    assert demo.writes() == []
    assert content_by(demo, "dave", "sales-dashboard")["title"] == "Sales Dashboard"


def test_apply_converges_and_prune_is_double_guarded(demo, playbook, tmp_path):
    spec = tmp_path / "spec.yml"
    run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
             connect_cac_export_owner="erin").ok()
    items = yaml.safe_load(spec.read_text())["items"]
    assert sorted(i["name"] for i in items) == ["ap-aging", "close-checklist", "invoice-matcher"]
    items[0]["title"] = "AP Aging (2026)"
    items.append({"name": "erin-new", "owner": "erin", "tags": ["Lifecycle/Experimental"],
                  "environment": {"TOKEN": SECRET}})
    spec.write_text(yaml.safe_dump({"items": items}))

    refused = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec),
                       connect_cac_prune=True)
    assert refused.rc != 0 and "would delete 37 items the spec does not list" in refused.stdout
    assert len(demo.state.content) == 41  # applied, but nothing deleted

    run = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec),
                   connect_cac_report=str(tmp_path / "apply.md"), verbosity=4).ok()
    fact = run["fact"]["connect_cac"]
    assert fact["drifted"] == 0 and fact["prune"] == []
    assert content_by(demo, "erin", "ap-aging")["title"] == "AP Aging (2026)"
    new = content_by(demo, "erin", "erin-new")["guid"]
    assert demo.state.environments[new] == {"TOKEN": SECRET}
    assert SECRET not in run.stdout + run.stderr

    demo.clear_log()
    plan = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                    connect_cac_prune=True, connect_cac_fail_on_drift=True)
    assert plan.rc != 0 and "37 items not in the spec would be pruned" in plan.stdout and demo.writes() == []
    pruned = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec),
                      connect_cac_prune=True, connect_cac_prune_confirm=37).ok()
    assert pruned["fact"]["connect_cac"]["deleted"] == 37
    assert sorted(c["name"] for c in demo.state.content.values()) == [
        "ap-aging", "close-checklist", "erin-new", "invoice-matcher"]


def test_bad_mode_fails_before_any_request(demo, playbook, tmp_path):
    run = run_role(playbook, tmp_path, connect_cac_mode="export")
    assert run.rc != 0 and "connect_cac_spec_file" in run.stdout
    assert demo.requests == []


HOSTILE_TITLE = "{{ lookup('pipe','touch /tmp/cac-env-pwned') }} {% raw %}\nline\u2028=cmd|' /C calc'!A0 <script>"


def test_export_runtimes_then_plan_has_no_drift_and_apply_converges_images_first(demo, playbook, tmp_path):
    from connect_standin.exec_environments import add_environment
    python = {"installations": [{"version": "3.12.4", "path": "/opt/python/3.12.4/bin/python3"}]}
    with demo.state.lock:
        add_environment(demo.state, "ghcr.io/example/base:1", title=HOSTILE_TITLE, python=python, matching="exact")
        add_environment(demo.state, "ghcr.io/example/bare:1")
    content_by(demo, "dave", "sales-dashboard")["default_image_name"] = "ghcr.io/example/base:1"
    spec = tmp_path / "spec.yml"
    run = run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                   connect_cac_export_runtimes=True).ok()
    assert run["fact"]["connect_cac"]["environments"] == 2 and demo.writes() == []
    exported = yaml.safe_load(spec.read_text().replace("!unsafe ", ""))
    assert exported["environments"] == [
        {"name": "ghcr.io/example/bare:1", "cluster_name": "Kubernetes", "matching": "any"},
        {"name": "ghcr.io/example/base:1", "cluster_name": "Kubernetes", "title": HOSTILE_TITLE, "matching": "exact",
         "python": python["installations"]}]

    demo.clear_log()
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_fail_on_drift=True).ok()
    fact = run["fact"]["connect_cac"]
    assert (fact["drifted"], fact["rows"], fact["environments"]) == (0, [], 2) and demo.writes() == []

    text = spec.read_text().replace("matching: exact", "matching: none").replace(
        "environments:\n", "environments:\n- name: ghcr.io/example/new:1\n  title: New\n", 1)
    spec.write_text(text)
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec)).ok()
    rows = dict(((r["name"], r["field"]), (r["before"], r["after"])) for r in run["fact"]["connect_cac"]["rows"])
    assert rows[("ghcr.io/example/base:1", "matching")] == ("exact", "none")
    assert rows[("ghcr.io/example/new:1", "(item)")] == ("", "created")
    assert demo.writes() == []
    run = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec)).ok()
    assert run["fact"]["connect_cac"]["drifted"] == 2
    # the items were converged already: the images' writes are the only ones (a batch: in either order)
    assert sorted((e["method"], e["path"].split("/")[3]) for e in demo.writes()) == [
        ("POST", "environments"), ("PUT", "environments")]
    base = next(e for e in demo.state.exec_environments.values() if e["name"] == "ghcr.io/example/base:1")
    assert base["title"] == HOSTILE_TITLE and base["matching"] == "none" and base["python"] == python
    demo.clear_log()
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_fail_on_drift=True).ok()
    assert run["fact"]["connect_cac"]["drifted"] == 0 and demo.writes() == []
    assert not os.path.exists("/tmp/cac-env-pwned")


HOSTILE_ZONE = "{{ lookup('pipe','touch /tmp/cac-schedule-pwned') }} {% raw %}\nzone\u2028\x85=cmd|' /C calc'!A0 <script>\""


def test_schedules_exported_drift_reported_and_never_applied(demo, playbook, tmp_path):
    if demo.sparse:
        pytest.skip("no recording carries include=schedule: the sparse listing answers without schedules")
    guid = next(g for g in sorted(demo.state.schedules) if g in demo.state.content)
    item = demo.state.content[guid]
    owner = next(u["username"] for u in demo.state.users.values() if u["guid"] == item["owner_guid"])
    current = demo.state.schedules[guid]["current"][0]
    current["timezone"] = HOSTILE_ZONE
    rule = current["schedule"]["rrules"][0]
    spec = tmp_path / "spec.yml"
    run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
             connect_cac_export_owner=owner, connect_cac_export_name=item["name"]).ok()
    assert demo.writes() == []
    exported = yaml.safe_load(spec.read_text().replace("!unsafe ", ""))["items"]
    keys = ("type", "rule", "timezone", "email", "start_time")
    schedule = dict((k, current[k if k != "rule" else "schedule"]) for k in keys)
    assert [i.get("schedules") for i in exported] == [[schedule]]

    demo.clear_log()
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_fail_on_drift=True).ok()
    fact = run["fact"]["connect_cac"]
    assert (fact["drifted"], fact["schedules_drifted"], fact["rows"]) == (0, 0, []) and demo.writes() == []
    listings = [e for e in demo.requests if e["method"] == "GET" and e["path"] == "/__api__/v1/content"]
    assert any("schedule" in (e["query"].get("include") or "") for e in listings)

    spec.write_text(spec.read_text().replace(rule, "RRULE:FREQ=MONTHLY;INTERVAL=1"))
    report = tmp_path / "plan.md"
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_report=str(report), connect_cac_fail_on_drift=True)
    assert run.rc != 0 and "1 schedules differ" in run.stdout
    rows = list(csv.DictReader((tmp_path / "plan.csv").open()))
    assert [(r["name"], r["field"], r["status"]) for r in rows] == [(item["name"], "schedules", "drift")]
    assert rule in rows[0]["before"] and "FREQ=MONTHLY" in rows[0]["after"] and "FREQ=MONTHLY" not in rows[0]["before"]
    assert "reported, not applied" in report.read_text() and demo.writes() == []

    run = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec),
                   connect_cac_report=str(report)).ok()
    fact = run["fact"]["connect_cac"]
    assert demo.writes() == [] and demo.state.schedules[guid]["current"][0]["schedule"]["rrules"] == [rule]
    assert [(r["field"], r["status"]) for r in fact["rows"]] == [("schedules", "not applied")]
    assert "not applied: Connect's API has no schedule writes" in fact["schedules"]
    assert "reported, not applied" in report.read_text()
    assert not any("schedule" in e["path"] for e in demo.requests)
    assert not os.path.exists("/tmp/cac-schedule-pwned")


def test_export_runtimes_writes_integrations_then_plan_has_no_drift_and_apply_creates_them_first(
        demo, playbook, tmp_path):
    import requests
    secret = "cac-oauth-secret-71d0"
    hostile = "{{ lookup('pipe','touch /tmp/cac-int-pwned') }} {% raw %}\nline\u2028=cmd|' /C calc'!A0 <script>"
    config = {"auth_mode": "Confidential", "authorization_uri": "https://idp.example/authorize",
              "client_id": "client-id", "client_secret": secret, "scopes": "email",
              "token_endpoint_auth_method": "client_secret_post", "token_uri": "https://idp.example/token"}
    requests.post(demo.url + "/__api__/v1/oauth/integrations", timeout=30,
                  headers={"Authorization": "Key %s" % demo.keys["admin"]},
                  json=dict(name=hostile, description="Ops' <b>", template="custom", config=config)).raise_for_status()
    demo.clear_log()
    spec = tmp_path / "spec.yml"
    run = run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                   connect_cac_export_runtimes=True).ok()
    assert run["fact"]["connect_cac"]["integrations"] == 1 and demo.writes() == []
    text = spec.read_text()
    assert secret not in text and "# config: Connect returns no secret" in text
    exported = yaml.safe_load(text.replace("!unsafe ", ""))["integrations"]
    # The config as the server answers it: every key but the secret, or fewer from a stand-in in sparse mode
    served = requests.get(demo.url + "/__api__/v1/oauth/integrations", timeout=30,
                          headers={"Authorization": "Key %s" % demo.keys["admin"]}).json()
    served_config = next(i for i in served if i["name"] == hostile).get("config") or {}
    assert "client_secret" not in served_config
    assert served_config == dict((k, v) for k, v in config.items() if k != "client_secret") or (
        demo.sparse and set(served_config) <= set(config) and all(config[k] == v for k, v in served_config.items()))
    assert exported == [dict(name=hostile, description="Ops' <b>", template="custom", config=served_config)]

    demo.clear_log()
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_fail_on_drift=True).ok()
    fact = run["fact"]["connect_cac"]
    assert (fact["drifted"], fact["rows"], fact["integrations"]) == (0, [], 1) and demo.writes() == []

    # A new integration in the spec, its secret added as the comment says: created first, then a rerun is clean.
    spec.write_text(text.replace("integrations:\n", "integrations:\n- name: Lake\n  template: custom\n  config: %s\n"
                                 % json.dumps(config), 1))
    run = run_role(playbook, tmp_path, connect_cac_mode="apply", connect_cac_spec_file=str(spec)).ok()
    assert run["fact"]["connect_cac"]["drifted"] == 1 and secret not in run.stdout + run.stderr
    assert [(e["method"], e["path"]) for e in demo.writes()] == [("POST", "/__api__/v1/oauth/integrations")]
    lake = next(i for i in demo.state.integrations.values() if i["name"] == "Lake")
    assert lake["config"]["client_secret"] == secret
    demo.clear_log()
    run = run_role(playbook, tmp_path, connect_cac_mode="plan", connect_cac_spec_file=str(spec),
                   connect_cac_fail_on_drift=True).ok()
    assert run["fact"]["connect_cac"]["drifted"] == 0 and demo.writes() == []
    assert not os.path.exists("/tmp/cac-int-pwned")


def test_export_lists_users_and_groups_only_for_the_principals_its_acls_name(demo, playbook, tmp_path):
    # A module call costs about half a second: the users are listed only when an ACL names a user, the groups
    # only when one names a group.
    item = content_by(demo, "dave", "scratch-experiment")
    finance = next(g for g in demo.state.groups.values() if g["name"] == "Finance")
    cases = (("no ACL", [], []), ("a group's ACL entry", [finance], ["/v1/groups"]))
    for label, groups, listed in cases:
        for group in groups:
            demo.state.add_permission(item, group["guid"], "group", "viewer")
        spec = tmp_path / "one.yml"
        demo.clear_log()
        run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                 connect_cac_export_name="scratch-experiment").ok()
        lists = sorted({e["path"].split("/__api__", 1)[-1] for e in demo.requests
                        if e["method"] == "GET" and e["path"].endswith(("/v1/users", "/v1/groups"))})
        assert lists == listed, label
        exported = yaml.safe_load(spec.read_text())["items"]
        finance = [{"principal": "Finance", "principal_type": "group"}]
        assert [i.get("permissions") for i in exported] == [finance if groups else None], label


def test_an_export_of_one_item_is_one_module_call_and_an_old_server_is_asked_nothing_about_oauth(
        demo, playbook, tmp_path):
    # connect_content_info knows the server's version itself: no server_info task; runtimes only when asked.
    spec = tmp_path / "one.yml"
    run = run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                   connect_cac_export_name="scratch-experiment").ok()
    called = [name for name, result in run.results.items() if result["_action"].startswith("posit.connect.")
              and result.get("_status") != "skipped" and not result.get("skipped")]
    assert [name.split(" : ", 1)[-1] for name in called] == [
        "Read every content item with its owner, tags, vanity URL, environment names, ACL, schedules and OAuth "
        "integrations"]
    assert any("/oauth/integrations/associations" in e["path"] for e in demo.requests)
    with StandIn(version="2024.06.0") as old:
        old_spec = tmp_path / "old.yml"
        run = playbook(role_play("content_as_code", "connect_cac"), server=old,
                       extra_vars=dict(connect_cac_mode="export", connect_cac_spec_file=str(old_spec))).ok()
        assert run["fact"]["connect_cac"]["total"] == len(old.state.content) > 0
        assert not any("/oauth/" in e["path"] for e in old.requests)
        assert all("oauth_integrations" not in item for item in yaml.safe_load(old_spec.read_text())["items"])


def test_a_plan_leaves_no_copy_of_the_spec_in_the_play_and_brings_back_only_what_differs(demo, playbook, tmp_path):
    """Issue 29: at 10,000 items, a variable holding the spec (include_vars' connect_cac_file) or the modules'
    one result per item was copied and templated again at each reference. The spec file is read once by
    connect_content_spec: after the plan the play holds no such variable, and the plan's registered result carries
    the drift rows and counts, not one entry per unchanged item; the fact and --diff are the same, in <= 5 requests."""
    spec = tmp_path / "spec.yml"
    run_role(playbook, tmp_path, connect_cac_mode="export", connect_cac_spec_file=str(spec)).ok()
    text = spec.read_text()
    assert "title: Sales Dashboard\n" in text
    light = yaml.safe_load(text.replace("!unsafe", ""))
    light["items"] = [dict((k, v) for k, v in item.items() if k != "permissions") for item in light["items"]]
    light["items"][[i["name"] for i in light["items"]].index("sales-dashboard")]["title"] = "Sales (EMEA)"
    spec.write_text(yaml.safe_dump(light))
    demo.clear_log()
    play = role_play("content_as_code", "connect_cac") + """
    - name: held
      ansible.builtin.debug:
        msg:
          file: "{{ connect_cac_file is defined }}"
          results: "{{ connect_cac_planned.results is defined }}"
          rows: "{{ connect_cac_planned.rows | default([]) | length }}"
"""
    run = playbook(play, extra_vars=dict(connect_cac_mode="plan", connect_cac_spec_file=str(spec)), diff=True).ok()
    fact = run["fact"]["connect_cac"]
    assert (fact["total"], fact["drifted"], fact["fields"]) == (40, 1, 1)
    assert "+++ after: content 'sales-dashboard'" in run.stdout  # --diff names the item
    assert [(r["name"], r["field"], r["before"], r["after"]) for r in fact["rows"]] == [
        ("sales-dashboard", "title", "Sales Dashboard", "Sales (EMEA)")]
    assert run["held"]["msg"] == {"file": False, "results": False, "rows": 1}
    assert demo.writes() == []
    if not demo.sparse:  # a sparse listing leaves out fields the plan compares (tags): each item is then read
        assert len(demo.requests) <= 5


EXPORT_TASK = ("posit.connect.content_as_code : Read every content item with its owner, tags, vanity URL, environment names, ACL, "
               "schedules and OAuth integrations")
HOSTILE = "{{ lookup('pipe','touch cac-export-pwned') }} {% if 1 %}=cmd|' /C calc'!A0{% endif %} <script>\"q\"'\n\r\u2028\u0085"

# The export as the role made it before issue 29: connect_content_info, then connect_user_info and connect_group_info
# for the ACLs' names, the cac_export and cac_spec_yaml filters, and ansible.builtin.copy.
FILTERS_EXPORT = """
- name: content
  posit.connect.connect_content_info:
    name: scratch-experiment
    include: [owner, tags, permissions, vanity_url, environment, schedule, oauth_integrations]
  register: content
- name: users
  posit.connect.connect_user_info:
    fields: [guid, username]
  register: found_users
- name: groups
  posit.connect.connect_group_info:
    fields: [guid, name]
  register: found_groups
- name: write
  ansible.builtin.copy:
    content: "{{ content.content | posit.connect.cac_export(found_users.users, found_groups.groups, []) | posit.connect.cac_spec_yaml }}"
    dest: "{{ dest }}"
    mode: "0600"
"""


def export_one(playbook, tmp_path, spec, extra=None, **options):
    return playbook(role_play("content_as_code", "connect_cac"), extra_vars=dict(
        connect_cac_mode="export", connect_cac_spec_file=str(spec), connect_cac_export_name="scratch-experiment",
        **(extra or {})), **options).ok()


def test_an_export_reads_in_one_module_run_and_writes_the_file_the_filters_made(demo, playbook, tmp_path):
    """Issue 29: the export of one item costs one module run for its reads (connect_content_info names the ACL's
    users and groups itself: one listing of each kind, not two) and writes on the controller, byte for byte, the spec
    that the modules' answers and the export filters made before; in check mode it writes nothing, --diff names the
    file, and a second run is unchanged. Hostile names, titles and tags are data."""
    item = content_by(demo, "dave", "scratch-experiment")
    item["title"] = HOSTILE
    group = demo.state.add_group(HOSTILE + " group", item["owner_guid"])
    demo.state.add_permission(item, group["guid"], "group", "viewer")
    user = demo.state.add_user("ops'<b>{{ x }}", "viewer", first_name=HOSTILE)
    demo.state.add_permission(item, user["guid"], "user", "viewer")
    tag = demo.state.add_tag(HOSTILE)
    demo.state.content_tags[item["guid"]] = [tag["id"]]
    before = tmp_path / "filters.yml"
    playbook(tasks=FILTERS_EXPORT, extra_vars=dict(dest=str(before))).ok()

    spec = tmp_path / "spec.yml"
    demo.clear_log()
    run = export_one(playbook, tmp_path, spec)
    assert spec.read_bytes() == before.read_bytes()
    ran = [name.split(" : ", 1)[-1] for name, result in run.results.items() if result.get("_status") != "skipped"
           and not result.get("skipped") and result["_action"] not in ("include_tasks", "ansible.builtin.include_tasks")]
    assert ran[ran.index("Check the content_as_code variables") + 1:] == [
        EXPORT_TASK.split(" : ", 1)[-1], "Set the connect_cac fact", "fact"]
    listings = sorted(e["path"].split("/__api__", 1)[-1] for e in demo.requests
                      if e["method"] == "GET" and e["path"].endswith(("/v1/users", "/v1/groups")))
    assert listings == ["/v1/groups", "/v1/users"]
    assert stat.S_IMODE(spec.stat().st_mode) == 0o600 and run[EXPORT_TASK]["changed"]
    items = yaml.safe_load(spec.read_text().replace("!unsafe ", ""))["items"]
    assert items[0]["title"] == HOSTILE and items[0]["tags"] == [HOSTILE]
    assert items[0]["permissions"] == [{"principal": HOSTILE + " group", "principal_type": "group"},
                                       {"principal": "ops'<b>{{ x }}"}]

    unwritten = tmp_path / "check.yml"
    run = export_one(playbook, tmp_path, unwritten, check=True, diff=True)
    assert not unwritten.exists() and run[EXPORT_TASK]["changed"]
    assert run[EXPORT_TASK]["diff"]["after_header"] == str(unwritten)
    spec.write_text(spec.read_text() + "# edited\n")
    run = export_one(playbook, tmp_path, spec, check=True, diff=True)
    assert run[EXPORT_TASK]["changed"] and spec.read_text().endswith("# edited\n")
    assert run[EXPORT_TASK]["diff"]["before"].endswith("# edited\n") and "# edited" not in run[EXPORT_TASK]["diff"]["after"]
    export_one(playbook, tmp_path, spec)
    run = export_one(playbook, tmp_path, spec)
    assert not run[EXPORT_TASK]["changed"] and spec.read_bytes() == before.read_bytes()
    shared = dict(connect_cac_file_mode="u=rw,g=r")
    assert export_one(playbook, tmp_path, spec, shared)[EXPORT_TASK]["changed"]
    assert stat.S_IMODE(spec.stat().st_mode) == 0o640 and spec.read_bytes() == before.read_bytes()
    assert not export_one(playbook, tmp_path, spec, shared)[EXPORT_TASK]["changed"]
    assert not (tmp_path / "cac-export-pwned").exists() and demo.writes() == []


def test_an_export_takes_the_items_through_a_file_in_the_tasks_temporary_directory(demo, playbook, tmp_path):
    """Issue 29: connect_content_info writes the items to a JSON Lines file (mode 0600) in the task's temporary
    directory, which the export reads line by line on the controller, instead of returning every item as one module
    result; the task removes the file (kept only where Ansible is told to keep its remote files)."""
    remote = tmp_path / "remote-tmp"
    spec = tmp_path / "spec.yml"
    play = role_play("content_as_code", "connect_cac")
    options = dict(connect_cac_mode="export", connect_cac_spec_file=str(spec))
    kept = dict(ANSIBLE_REMOTE_TMP=str(remote), ANSIBLE_KEEP_REMOTE_FILES="1")
    run = playbook(play, extra_vars=options, env=kept).ok()
    assert run["fact"]["connect_cac"]["total"] == 40
    written = list(remote.rglob("content.jsonl"))
    assert len(written) == 1 and stat.S_IMODE(written[0].stat().st_mode) == 0o600
    lines = [json.loads(line) for line in written[0].read_text().splitlines()]
    assert len(lines) == 40 and all(set(line) <= set(EXPORT_FIELDS) for line in lines)
    assert not list((tmp_path / "ansible-tmp").rglob("*.jsonl"))  # the controller's copy, read

    exported = spec.read_bytes()
    spec.unlink()
    for path in sorted(remote.rglob("*"), reverse=True):  # deepest first
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    run = playbook(play, extra_vars=options, env=dict(ANSIBLE_REMOTE_TMP=str(remote))).ok()
    assert spec.read_bytes() == exported
    assert not [path for path in list(remote.rglob("*")) + list((tmp_path / "ansible-tmp").rglob("*.jsonl"))
                if path.is_file()]


def test_an_export_to_a_missing_directory_fails_before_any_request(demo, playbook, tmp_path):
    spec = tmp_path / "missing" / "spec.yml"
    demo.clear_log()
    run = playbook(role_play("content_as_code", "connect_cac"),
                   extra_vars=dict(connect_cac_mode="export", connect_cac_spec_file=str(spec)))
    assert run.rc != 0
    assert "Option 'spec_file': directory %s does not exist" % spec.parent in run[EXPORT_TASK]["msg"]
    assert demo.requests == [] and not spec.parent.exists()
