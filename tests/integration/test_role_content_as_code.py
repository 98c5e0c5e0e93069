"""posit.connect.content_as_code against the stand-in: export, plan (zero drift right after export), drift
reports, apply, check mode in every form writing nothing, prune's double guard, secrets never shown."""

import csv

import pytest
import yaml

from playbook_runs import role_play
from connect_state import content_by

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
