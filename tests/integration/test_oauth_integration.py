"""posit.connect.connect_oauth_integration(_info) and connect_content's oauth_integrations facet against the
stand-in: real ansible-playbook runs, asserting results, the request log and the stand-in's integrations."""

import json
from pathlib import Path

import pytest
import requests
import yaml
from playbook_runs import role_play, run_playbook

from connect_standin import StandIn

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
%s
"""
SECRET = "s3cret-Value-never-shown"
HOSTILE = "{{ lookup('pipe','touch /tmp/pwned') }} {% raw %}\n\r\u2028\u0085=cmd|' /C calc'!A0<script>\"'"
CONFIG = {"auth_mode": "Confidential", "authorization_uri": "https://idp.example/authorize",
          "client_id": "client-id", "client_secret": SECRET, "scopes": "email",
          "token_endpoint_auth_method": "client_secret_post", "token_uri": "https://idp.example/token"}


class SpecLoader(yaml.SafeLoader):
    """Reads a spec as Ansible's vars loader does, for !unsafe (kept literally)."""


SpecLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def tasks(text):
    return PLAY % "\n".join("    " + line for line in text.strip("\n").splitlines())


def task(name, module, args, **extra):
    """One task as YAML-compatible JSON (hostile strings carried as data, never templated: !unsafe)."""
    body = json.dumps(args)
    lines = ["- name: %s" % name, "  posit.connect.%s: %s" % (module, body)]
    lines += ["  %s: %s" % (k, json.dumps(v)) for k, v in extra.items()]
    return "\n".join(lines)


@pytest.fixture
def demo(standin):
    standin.reset(seed="demo")
    return standin


def integration(server, name):
    return next((r for r in server.state.integrations.values() if r["name"] == name), None)


def writes(server):
    return [(e["method"], e["path"]) for e in server.writes()]


def test_create_check_mode_diff_idempotent_update_and_secrets(demo, playbook):
    args = dict(name="Warehouse", template="custom", description="Analysts", config=CONFIG,
                permissions=[dict(principal="Finance", principal_type="group"), dict(principal="bob")])
    run = playbook(tasks(task("create", "connect_oauth_integration", args)), check=True, diff=True).ok()
    result = run["create"]
    assert result["changed"] and result["integration"]["guid"] is None
    assert result["diff"]["after"]["permissions"] == ["group Finance", "user bob"]
    assert demo.writes() == [] and integration(demo, "Warehouse") is None

    body = "\n".join([task("create", "connect_oauth_integration", args),
                      task("again", "connect_oauth_integration", args)])
    run = playbook(tasks(body), diff=True, verbosity=4).ok()
    assert run["create"]["changed"] and not run["again"]["changed"], run["again"]
    record = integration(demo, "Warehouse")
    assert record["config"]["client_secret"] == SECRET
    finance = next(g for g in demo.state.groups.values() if g["name"] == "Finance")["guid"]
    bob = demo.state.user_by_username("bob")["guid"]
    assert set((p["user_guid"], p["group_guid"]) for p in record["permissions"]) == {(None, finance), (bob, None)}
    assert SECRET not in run.stdout + run.stderr
    assert writes(demo) == [("POST", "/__api__/v1/oauth/integrations")]

    demo.clear_log()
    changed = dict(args, description="Analysts and finance", config=dict(CONFIG, scopes="email profile"))
    run = playbook(tasks(task("update", "connect_oauth_integration", changed)), diff=True, verbosity=4).ok()
    result = run["update"]
    assert result["changed"] and result["diff"]["after"]["description"] == "Analysts and finance"
    assert SECRET not in run.stdout + run.stderr and SECRET not in json.dumps(result)
    assert integration(demo, "Warehouse")["config"]["scopes"] == "email profile"
    assert [m for m, p in writes(demo)] == ["PATCH"]

    demo.clear_log()
    secret_only = dict(name="Warehouse", config=dict(client_secret="another-secret"))
    body = "\n".join([task("on_create", "connect_oauth_integration", secret_only),
                      task("always", "connect_oauth_integration", dict(secret_only, update_config="always"))])
    run = playbook(tasks(body)).ok()
    assert not run["on_create"]["changed"] and run["always"]["changed"]
    assert integration(demo, "Warehouse")["config"]["client_secret"] == "another-secret"
    assert "another-secret" not in run.stdout + json.dumps(run.results)


def api(server, method, path, key="admin", **kwargs):
    answer = requests.request(method, server.url + "/__api__/" + path,
                              headers={"Authorization": "Key " + server.keys[key]}, timeout=10, **kwargs)
    answer.raise_for_status()
    return answer.json() if answer.content else None


def make(server, name, template="custom", **config):
    return api(server, "POST", "v1/oauth/integrations", json=dict(name=name, template=template, config=config))


def content(server, name):
    return next(c for c in server.state.content.values() if c["name"] == name)


def associate(server, item, *guids):
    api(server, "PUT", "v1/content/%s/oauth/integrations/associations" % content(server, item)["guid"],
        json=[{"oauth_integration_guid": g} for g in guids])


def test_delete_in_use_needs_force_and_lists_the_items(demo, playbook):
    record = make(demo, "Old warehouse", auth_mode="Confidential")
    associate(demo, "forecasting-app", record["guid"])
    demo.clear_log()
    body = task("delete", "connect_oauth_integration", dict(name="Old warehouse", state="absent"))
    run = playbook(tasks(body))
    assert run.rc != 0 and "forecasting-app" in run["delete"]["msg"] and "force: true" in run["delete"]["msg"]
    run = playbook(tasks(task("delete", "connect_oauth_integration",
                              dict(name="Old warehouse", state="absent", force=True))), check=True, diff=True).ok()
    assert run["delete"]["changed"] and run["delete"]["associations"][0]["name"] == "forecasting-app"
    assert demo.writes() == [] and integration(demo, "Old warehouse") is not None
    run = playbook(tasks(task("delete", "connect_oauth_integration",
                              dict(name="Old warehouse", state="absent", force=True)))).ok()
    assert run["delete"]["changed"] and run["delete"]["integration"] is None
    assert writes(demo) == [("DELETE", "/__api__/v1/oauth/integrations/%s" % record["guid"])]
    assert integration(demo, "Old warehouse") is None and not demo.state.oauth_associations[
        content(demo, "forecasting-app")["guid"]]


def test_verify_runs_every_time_in_check_mode_too_and_fails_with_connects_reason(demo, playbook):
    make(demo, "Service", auth_mode="Confidential", auth_type="Service Account")
    make(demo, "Viewer", auth_mode="Confidential", auth_type="Viewer")
    demo.clear_log()
    body = task("verify", "connect_oauth_integration", dict(items=[dict(name="Service"), dict(name="Viewer")],
                                                            verify=True))
    run = playbook(tasks(body), check=True)
    results = run["verify"]["results"]
    assert run.rc != 0 and results[0]["status"] == "unchanged" and results[0]["verified"] is True
    assert results[1]["failed"] and "Service Account" in results[1]["msg"] and results[1]["verified"] is False
    assert [m for m, p in writes(demo)] == ["POST", "POST"] and all(p.endswith("/verify") for m, p in writes(demo))


def test_publishers_key_is_refused_before_any_write_in_check_mode_too(demo, playbook):
    make(demo, "Existing", auth_mode="Confidential")
    demo.clear_log()
    body = "\n".join([
        task("create", "connect_oauth_integration", dict(name="New", template="custom"), ignore_errors=True),
        task("delete", "connect_oauth_integration", dict(name="Existing", state="absent"), ignore_errors=True),
        task("unchanged", "connect_oauth_integration", dict(name="Existing")),
        task("info", "connect_oauth_integration_info", dict(name="Existing")),
    ])
    run = playbook(tasks(body), api_key=demo.keys["publisher"], check=True).ok()
    for name in ("create", "delete"):
        assert "administrator's API key" in run[name]["msg"], run[name]
    assert not run["unchanged"]["changed"]
    assert run["info"]["integrations"][0]["name"] == "Existing" and run["info"]["integrations"][0]["content_count"] is None
    assert demo.writes() == []


def test_an_old_server_fails_naming_its_version_and_the_first_with_the_api(tmp_path):
    server = StandIn(version="2024.06.0")
    server.start()
    try:
        body = "\n".join([
            task("module", "connect_oauth_integration", dict(name="x", template="custom"), ignore_errors=True),
            task("info", "connect_oauth_integration_info", {}, ignore_errors=True),
            task("facet", "connect_content", dict(guid=next(iter(server.state.content)),
                                                  oauth_integrations=["x"]), ignore_errors=True),
            task("content info", "connect_content_info", dict(include=["oauth_integrations"])),
        ])
        run = run_playbook(tasks(body), server, tmp_path).ok()
        for name in ("module", "info", "facet"):
            assert "2024.06.0" in run[name]["msg"] and "2024.08.0" in run[name]["msg"], run[name]
        # a listing that asks for the integrations gets the items without them: the server has none to give
        listed = run["content info"]["content"]
        assert len(listed) == len(server.state.content) and not any("oauth_integrations" in c for c in listed)
        assert server.writes() == []
        assert not any("/oauth/" in e["path"] for e in server.requests)
    finally:
        server.stop()


def test_hostile_names_are_carried_as_data(demo, playbook, tmp_path):
    record = make(demo, HOSTILE, auth_mode="Confidential")
    associate(demo, "kpi-board", record["guid"])
    demo.clear_log()
    body = "\n".join([
        task("info", "connect_oauth_integration_info", dict(include=["associations"])),
        task("update", "connect_oauth_integration", dict(guid=record["guid"], description="now described")),
        task("facet", "connect_content", dict(name="kpi-board", oauth_integrations=[record["guid"]])),
    ])
    run = playbook(tasks(body), diff=True).ok()
    found = run["info"]["integrations"][0]
    assert found["name"] == HOSTILE and found["content_count"] == 1 and found["associations"][0]["name"] == "kpi-board"
    assert repr(HOSTILE) in run["update"]["diff"]["before_header"] and run["update"]["integration"]["name"] == HOSTILE
    assert not run["facet"]["changed"]
    assert not (tmp_path / "pwned").exists() and not Path("/tmp/pwned").exists()
    assert [m for m, p in writes(demo)] == ["PATCH"]


def test_purge_permissions_sends_exactly_the_entries_given(demo, playbook):
    args = dict(name="Shared", template="custom", permissions=[dict(principal="alice"), dict(principal="bob")])
    playbook(tasks(task("create", "connect_oauth_integration", args))).ok()
    demo.clear_log()
    body = task("purge", "connect_oauth_integration", dict(name="Shared", permissions=[dict(principal="alice")],
                                                           purge_permissions=True))
    run = playbook(tasks(body), diff=True).ok()
    assert run["purge"]["changed"] and run["purge"]["diff"]["after"]["permissions"] == ["user alice"]
    alice = demo.state.user_by_username("alice")["guid"]
    assert [p["user_guid"] for p in integration(demo, "Shared")["permissions"]] == [alice]
    assert [m for m, p in writes(demo)] == ["PATCH"]
    run = playbook(tasks(task("unknown", "connect_oauth_integration",
                              dict(name="Shared", permissions=[dict(principal="nobody-here")]))))
    assert run.rc != 0 and "permissions[0].principal" in run["unknown"]["msg"]


def associations(server, item):
    return sorted(server.state.integrations[link["integration_guid"]]["name"]
                  for link in server.state.oauth_associations.get(content(server, item)["guid"], []))


def test_content_facet_writes_the_union_purges_and_sends_nothing_when_converged(demo, playbook):
    snowflake, databricks = make(demo, "Snowflake"), make(demo, "Databricks")
    associate(demo, "kpi-board", snowflake["guid"])
    demo.clear_log()
    body = task("add", "connect_content", dict(items=[dict(name="kpi-board"), dict(name="forecasting-app")],
                                               oauth_integrations=["Databricks"]))
    run = playbook(tasks(body), check=True, diff=True).ok()
    assert run["add"]["changed_count"] == 2 and demo.writes() == []
    assert run["add"]["results"][0]["diff"]["after"]["oauth_integrations"] == ["Databricks", "Snowflake"]

    run = playbook(tasks(body + "\n" + body.replace("name: add", "name: again"))).ok()
    assert run["add"]["changed_count"] == 2 and run["again"]["changed_count"] == 0
    assert associations(demo, "kpi-board") == ["Databricks", "Snowflake"]  # the union: Snowflake stays
    assert associations(demo, "forecasting-app") == ["Databricks"]
    puts = [p for m, p in writes(demo)]
    assert [m for m, p in writes(demo)] == ["PUT", "PUT"] and all(p.endswith("/oauth/integrations/associations")
                                                                  for p in puts)

    demo.clear_log()
    body = "\n".join([
        task("purge", "connect_content", dict(name="kpi-board", oauth_integrations=[databricks["guid"]],
                                              purge_oauth_integrations=True)),
        task("info", "connect_content_info", dict(name="kpi-board", include=["oauth_integrations"])),
        task("unknown", "connect_content", dict(name="kpi-board", oauth_integrations=["No such"]),
             ignore_errors=True),
    ])
    run = playbook(tasks(body), diff=True).ok()
    assert run["purge"]["changed"] and run["purge"]["diff"]["after"]["oauth_integrations"] == ["Databricks"]
    assert associations(demo, "kpi-board") == ["Databricks"]
    assert run["info"]["content"][0]["oauth_integrations"] == ["Databricks"]
    assert "'No such'" in run["unknown"]["msg"] and "connect_oauth_integration" in run["unknown"]["msg"]
    assert [m for m, p in writes(demo)] == ["PUT"]


def test_a_server_with_one_association_per_item_fails_before_any_write(tmp_path):
    server = StandIn(version="2025.04.0")
    server.start()
    try:
        make(server, "One")
        make(server, "Two")
        server.clear_log()
        body = "\n".join([
            task("two", "connect_content", dict(name="kpi-board", oauth_integrations=["One", "Two"]),
                 ignore_errors=True),
            task("one", "connect_content", dict(name="kpi-board", oauth_integrations=["One"])),
        ])
        run = run_playbook(tasks(body), server, tmp_path).ok()
        assert "2025.04.0" in run["two"]["msg"] and "2025.07.0" in run["two"]["msg"], run["two"]
        assert run["one"]["changed"] and associations(server, "kpi-board") == ["One"]
        assert [e["method"] for e in server.writes()] == ["PUT"]
    finally:
        server.stop()


def test_content_as_code_exports_integrations_by_name_and_plans_zero_drift(demo, playbook, tmp_path):
    hostile, plain = make(demo, HOSTILE), make(demo, "Snowflake")
    associate(demo, "kpi-board", hostile["guid"], plain["guid"])
    associate(demo, "forecasting-app", plain["guid"])
    demo.clear_log()
    spec = tmp_path / "spec.yml"
    run = playbook(role_play("content_as_code", "connect_cac"),
                   extra_vars=dict(connect_cac_mode="export", connect_cac_spec_file=str(spec))).ok()
    assert demo.writes() == []
    items = dict((i["name"], i) for i in yaml.load(spec.read_text(), Loader=SpecLoader)["items"])
    assert items["kpi-board"]["oauth_integrations"] == sorted([HOSTILE, "Snowflake"])
    assert items["forecasting-app"]["oauth_integrations"] == ["Snowflake"]
    assert "oauth_integrations" not in items["survey-results"]

    run = playbook(role_play("content_as_code", "connect_cac"),
                   extra_vars=dict(connect_cac_mode="plan", connect_cac_spec_file=str(spec))).ok()
    assert int(run["fact"]["connect_cac"]["drifted"]) == 0
    assert demo.writes() == [] and not Path("/tmp/pwned").exists()

    demo.state.oauth_associations[content(demo, "forecasting-app")["guid"]] = []
    run = playbook(role_play("content_as_code", "connect_cac"),
                   extra_vars=dict(connect_cac_mode="apply", connect_cac_spec_file=str(spec))).ok()
    assert int(run["fact"]["connect_cac"]["drifted"]) == 1 and associations(demo, "forecasting-app") == ["Snowflake"]
    assert [m for m, p in writes(demo)] == ["PUT"]


def test_content_as_code_exports_from_a_server_without_integrations(playbook, tmp_path):
    server = StandIn(version="2024.06.0")
    server.start()
    try:
        spec = tmp_path / "spec.yml"
        playbook(role_play("content_as_code", "connect_cac"), server=server,
                 extra_vars=dict(connect_cac_mode="export", connect_cac_spec_file=str(spec))).ok()
        assert "oauth_integrations" not in spec.read_text()
        assert not any("/oauth/" in e["path"] for e in server.requests)
    finally:
        server.stop()
