"""posit.connect.connect_oauth_integration(_info) and connect_content's oauth_integrations facet against the
stand-in: real ansible-playbook runs, asserting results, the request log and the stand-in's integrations."""

import json

import pytest

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
