"""Every boolean variable of every role, given on the command line as `-e name=false` (a string, as
ansible-playbook passes key=value extra vars), behaves exactly as the boolean false: the same requests and
writes on the stand-ins, the same files, the same fact and the same exit code.

The variables are found, not listed: every option of roles/*/meta/argument_specs.yml declared `type: bool`, and
every variable of roles/*/defaults/main.yml whose default is a boolean. Each role runs in a scenario where its
booleans matter (content to hand off, ACLs to copy, drift to report); `connect_validate_certs` runs against a
TLS stand-in whose certificate the controller does not trust, so only false lets the role connect."""

import hashlib
import json
import re
import shutil
import subprocess

import pytest
import yaml

import seeding
from playbook_runs import ROOT, playbook_command, role_play
from connect_standin import StandIn
from connect_standin.tls import make_ca

NOW = 1767225600  # the seeds' "now", pinned so that every reset builds the same data

FACTS = {"audit_export": "connect_audit_export", "content_as_code": "connect_cac", "content_promote": "connect_promote",
         "content_rebuild": "connect_rebuild", "content_report": "connect_report", "ownership_handoff": "connect_handoff",
         "user_offboarding": "connect_offboard"}


def boolean_variables():
    """(role, variable) for every boolean variable a role declares or defaults."""
    found = []
    for role in sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists()):
        specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
        options = specs["argument_specs"]["main"]["options"]
        names = {name for name, option in options.items() if option.get("type") == "bool"}
        defaults = ROOT / "roles" / role / "defaults" / "main.yml"
        if defaults.exists():
            names |= {name for name, value in (yaml.safe_load(defaults.read_text()) or {}).items()
                      if isinstance(value, bool)}
        found += [(role, name) for name in sorted(names)]
    return found


def test_every_role_is_covered():
    assert sorted({role for role, dummy in boolean_variables()}) == sorted(FACTS)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The demo stand-in (reset before each run of a role), the promotion's source (set up once, over its API from
    Python, never reset: the role only reads it) and target, and a TLS one."""
    where = tmp_path_factory.mktemp("servers")
    ca = make_ca(str(where))
    plain, source, target = (StandIn(seed_options={"now": NOW}).start() for dummy in range(3))
    tls = StandIn(tls=(ca["cert"], ca["key"]), seed_options={"now": NOW}).start()
    bundle = where / "bundle"
    bundle.mkdir()
    (bundle / "manifest.json").write_text(json.dumps({"version": 1, "metadata": {"appmode": "static"}}))
    (bundle / "index.html").write_text("<p>promo</p>")
    guid = seeding.deploy(source, "promo-board", "alice", bundle, title="Promo board", access_type="acl")
    seeding.grant(source, guid, "bob", "user", "owner")
    seeding.grant(source, guid, "Finance", "group", "viewer")
    seeding.tag(source, guid, "Promo/Quarterly")
    seeding.vanity(source, guid, "/promo/")
    yield plain, source, target, tls
    for server in (plain, source, target, tls):
        server.stop()


def scenario(role, source, target, out, variable=None):
    """The role's variables (besides the boolean under test) in a scenario where its booleans matter."""
    if role == "audit_export":
        return dict(connect_audit_export_dest=str(out / "audit.jsonl"), connect_audit_export_state=str(out / "state"))
    if variable == "connect_cac_export_runtimes":  # an export, where the server's images and integrations matter
        return dict(connect_cac_mode="export", connect_cac_spec_file=str(out / "spec.yml"))
    if role == "content_as_code":
        spec = [{"name": "sales-dashboard", "owner": "dave", "title": "Sales (EMEA)", "tags": ["Department/Finance"]}]
        return dict(connect_cac_mode="plan", connect_cac_spec=spec, connect_cac_report=str(out / "plan.md"))
    if role == "content_promote":
        (out / "work").mkdir()
        # the target lacks the item's tag: create it (else the role stops before any boolean matters)
        return dict(connect_promote_source={"server": source.url, "api_key": source.keys["admin"]},
                    connect_promote_target={"server": target.url, "api_key": target.keys["admin"]},
                    connect_promote_items=[{"name": "promo-board", "owner": "alice"}],
                    connect_promote_create_tags=True, connect_promote_vanity=True,
                    connect_promote_work_dir=str(out / "work"))
    if role == "content_rebuild":
        # one build at a time: the stand-in numbers the build tasks in the order they start
        return dict(connect_rebuild_r="<4.3", connect_rebuild_report=str(out / "rebuild.csv"),
                    connect_rebuild_state_file=str(out / "rebuild.json"), connect_rebuild_concurrency=1)
    if role == "content_report":
        return dict(connect_report_dir=str(out / "report"))
    if role == "ownership_handoff":
        return dict(connect_handoff_from="dave", connect_handoff_to="erin", connect_handoff_report=str(out / "h.csv"))
    return dict(connect_offboard_user="dave", connect_offboard_to="erin", connect_offboard_report=str(out / "o.csv"))


GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?")


def known_guids(server):
    state = server.state
    return {g for kind in (state.users, state.groups, state.content) for g in kind}


def observe(role, variable, given, servers, tmp_path):
    """Run the role once with the extra vars `given` (a list of `-e` values, after the scenario's JSON extra vars;
    `variable` picks the scenario and the server); what it did: the exit
    code, the fact, every request to the stand-ins and every file written (its text, or the sha1 of a binary), with
    the guids of objects the run created (new each run) replaced by "<new>" and times (the seeds' are pinned; a
    report's "generated" time and a usage window's start are the clock's) by "<time>"."""
    plain, source, target, tls = servers
    server = tls if variable == "connect_validate_certs" else source if role == "content_promote" else plain
    watched = [source, target] if role == "content_promote" else [server]
    for each in ([target] if role == "content_promote" else [server]):
        each.reset(seed="demo", seed_options={"now": NOW})
    for each in watched:
        each.clear_log()
    known = set().union(*(known_guids(each) for each in watched))
    out = tmp_path / "out"
    out.mkdir()
    cmd, environ, results = playbook_command(role_play(role, FACTS[role]), server, tmp_path,
                                             extra_vars=scenario(role, source, target, out, variable))
    proc = subprocess.run(cmd + [arg for value in given for arg in ("-e", value)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True,
                          cwd=str(tmp_path), env=environ, timeout=600, check=False)

    def plain_text(value):
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        return TIME.sub("<time>", GUID.sub(lambda m: m.group(0) if m.group(0) in known else "<new>", text))

    def content(path):
        data = path.read_bytes()
        try:
            return plain_text(data.decode("utf-8"))
        except UnicodeDecodeError:
            return hashlib.sha1(data).hexdigest()

    fact = json.loads(results.read_text()).get("fact", {}).get(FACTS[role]) if results.exists() else None
    seen = dict(
        rc=proc.returncode,
        fact=plain_text(fact),
        requests=sorted(plain_text([index, e["method"], e["path"], e["query"], e.get("body")])
                        for index, each in enumerate(watched) for e in each.requests),
        files=sorted((str(path.relative_to(out)), path.stat().st_mode & 0o777, content(path))
                     for path in out.rglob("*") if path.is_file()),
    )
    shutil.rmtree(out)
    return seen, proc


# content_promote's ACL booleans need a target whose users match the source's ACL, which this file's shared
# scenario does not set up; test_role_content_promote.py::test_boolean_variables_given_as_false_strings_are_false
# gives every boolean of that role as the string "false" against such a pair of servers. Its OAuth boolean needs a
# source with integrations: test_role_content_promote.py::
# test_oauth_integrations_follow_by_name_and_missing_ones_are_created_with_their_config gives it as "false".
TESTED_WITH_THEIR_ROLE = {("content_promote", "connect_promote_acl"),
                          ("content_promote", "connect_promote_acl_downgrade"),
                          ("content_promote", "connect_promote_create_integrations")}


def group_of(role, variable):
    """The booleans of a role that run in the same scenario on the same server are tested together. The promotion's
    create_tags is on in its scenario (without it the role stops before the others matter): it is tested alone."""
    if variable == "connect_validate_certs":
        return "tls"
    if variable in ("connect_cac_export_runtimes", "connect_promote_create_tags"):
        return variable
    return "scenario"


def groups():
    found = {}
    for role, variable in boolean_variables():
        if (role, variable) not in TESTED_WITH_THEIR_ROLE:
            found.setdefault((role, group_of(role, variable)), []).append(variable)
    return sorted((role, group, variables) for (role, group), variables in found.items())


@pytest.mark.parametrize("role,group,variables", groups(), ids=["%s-%s" % (r, g) for r, g, dummy in groups()])
def test_booleans_given_as_the_string_false_are_false(servers, tmp_path, role, group, variables):
    """All of the group's booleans given as `-e name=false` strings behave exactly as all of them false; and each
    one set true (the others false) behaves differently, so a string read as true would show."""
    for server in servers:
        server.clear_log()
    first = variables[0]
    as_strings, proc = observe(role, first, ["%s=false" % v for v in variables], servers, tmp_path)
    as_bools, dummy = observe(role, first, [json.dumps(dict.fromkeys(variables, False))], servers, tmp_path)
    assert as_strings == as_bools, (role, variables, proc.stdout[-3000:])
    for variable in variables:
        # the scenario makes the variable matter: true does something else
        as_true, proc = observe(role, first, [json.dumps(dict(dict.fromkeys(variables, False), **{variable: True}))],
                                servers, tmp_path)
        assert as_true != as_bools, (role, variable, "the scenario does not exercise the variable",
                                     proc.stdout[-3000:])
