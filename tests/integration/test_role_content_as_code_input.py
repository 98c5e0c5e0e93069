"""posit.connect.content_as_code with hostile server data and bad specs: export writes every server string so that
neither YAML nor a later templating can turn it into spec items or code; spec files hold vault values and are
checked before any request; reports stay tables, files are private, a plan without drift is not changed, and many
principals are read in the fewest requests."""

import json
import os
import stat
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from playbook_runs import role_play
from connect_state import content_by

PWNED = "cac-pwned-marker"
HOSTILE_TITLE = "{{ lookup('pipe','touch %s') }}" % PWNED
HOSTILE_TEXT = "{% if true %}x{% endif %} =cmd|' /C calc'!A0 <script>alert(1)</script> \"q\" 'q'\nnext\rline\u2028sep\u0085nel | \\"
INJECTED = "\n  - name: budget-report\n    owner: bob\n    state: absent"
BREAKS = {"newline": "LOG_LEVEL" + INJECTED, "cr": "LOG_LEVEL" + INJECTED.replace("\n", "\r"),
          "u2028": "LOG_LEVEL" + INJECTED.replace("\n", "\u2028"), "u0085": "LOG_LEVEL" + INJECTED.replace("\n", "\u0085")}


class SpecLoader(yaml.SafeLoader):
    """Reads a spec as Ansible's vars loader does, for !unsafe (kept literally)."""


SpecLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_spec(path):
    return yaml.load(Path(path).read_text(), Loader=SpecLoader)


def run_role(playbook, **extra):
    return playbook(role_play("content_as_code", "connect_cac"), extra_vars=extra)


def test_export_writes_no_injected_item_and_the_unedited_spec_applies_with_zero_writes(demo, playbook, tmp_path):
    """22.2: environment variable names with line breaks (\\n, \\r, U+2028, U+0085) that would add an item deleting
    bob's budget-report are reported and not written; hostile titles and descriptions round-trip literally."""
    ap_aging = content_by(demo, "erin", "ap-aging")
    demo.state.environments[ap_aging["guid"]] = dict((name, "v") for name in BREAKS.values())
    demo.state.environments[ap_aging["guid"]]["PLAIN_NAME"] = "v"
    ap_aging["description"] = HOSTILE_TEXT
    invoice = content_by(demo, "erin", "invoice-matcher")
    invoice["title"] = HOSTILE_TITLE
    spec = tmp_path / "spec.yml"
    run = run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                   connect_cac_export_owner="erin").ok()
    text = spec.read_text()
    assert "budget-report" not in text and "state" not in text
    items = load_spec(spec)["items"]
    assert sorted(i["name"] for i in items) == ["ap-aging", "close-checklist", "invoice-matcher"]
    by_name = dict((i["name"], i) for i in items)
    assert by_name["ap-aging"]["description"] == HOSTILE_TEXT and by_name["invoice-matcher"]["title"] == HOSTILE_TITLE
    assert "# environment variables on the server (values not exported): [PLAIN_NAME]" in text
    unwritten = run["fact"]["connect_cac"]["unwritten"]
    assert sorted(u["value"] for u in unwritten) == sorted(BREAKS.values())
    assert set((u["name"], u["owner"], u["field"]) for u in unwritten) == {("ap-aging", "erin", "environment")}

    demo.clear_log()
    run_role(playbook, connect_cac_mode="apply", connect_cac_spec_file=str(spec)).ok()
    assert demo.writes() == []
    assert content_by(demo, "bob", "budget-report")
    assert invoice["title"] == HOSTILE_TITLE and ap_aging["description"] == HOSTILE_TEXT
    assert not (tmp_path / PWNED).exists()


def test_hostile_title_round_trips_literally_through_plan_and_apply(demo, playbook, tmp_path):
    """22.3: a title that is a template, exported then planned and applied, stays the same literal title."""
    for owner, name in (("dave", "sales-dashboard"), ("bob", "finance-dashboard")):
        content_by(demo, owner, name)["title"] = HOSTILE_TITLE
    content_by(demo, "bob", "finance-dashboard")["description"] = "{{ 7 * 7 }} and {# a comment #}"
    spec = tmp_path / "spec.yml"
    run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec)).ok()
    assert "title: !unsafe " in spec.read_text()
    demo.clear_log()
    plan = run_role(playbook, connect_cac_mode="plan", connect_cac_spec_file=str(spec), connect_cac_fail_on_drift=True)
    plan.ok()
    assert plan["fact"]["connect_cac"]["rows"] == []
    run_role(playbook, connect_cac_mode="apply", connect_cac_spec_file=str(spec)).ok()
    assert demo.writes() == []
    assert content_by(demo, "dave", "sales-dashboard")["title"] == HOSTILE_TITLE
    assert content_by(demo, "bob", "finance-dashboard")["description"] == "{{ 7 * 7 }} and {# a comment #}"
    assert not (tmp_path / PWNED).exists()


def vault(tmp_path, name, value):
    """The `name: !vault |` text of `value`, encrypted with ansible-vault encrypt_string."""
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string", "--vault-password-file",
                           str(tmp_path / "vault-pass"), "--name", name, value],
                          capture_output=True, text=True, check=True)
    return proc.stdout


def test_spec_file_values_from_a_vault_are_sent_and_never_shown(demo, playbook, tmp_path):
    """22.3: `{{ vault_db_url }}` (a vault-encrypted variable of the play) and an inline !vault value in a spec file
    reach Connect; at -vvvv neither plain value appears in the output."""
    db_url, token = "postgres://cac:vault-secret-8c1f@db/prod", "vault-token-3e7a91"
    (tmp_path / "vault-pass").write_text("cac-vault-password\n")
    (tmp_path / "vault.yml").write_text(vault(tmp_path, "vault_db_url", db_url))
    spec = tmp_path / "spec.yml"
    spec.write_text("items:\n- name: ap-aging\n  owner: erin\n  environment:\n    DB_URL: \"{{ vault_db_url }}\"\n"
                    + textwrap.indent(vault(tmp_path, "TOKEN", token), "    "))
    assert db_url not in spec.read_text() and token not in spec.read_text()
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      vars_files: [vault.yml]
      tasks:
        - name: role
          ansible.builtin.include_role:
            name: posit.connect.content_as_code
    """, extra_vars=dict(connect_cac_mode="apply", connect_cac_spec_file=str(spec)), verbosity=4,
                   env={"ANSIBLE_VAULT_PASSWORD_FILE": str(tmp_path / "vault-pass")})
    run.ok()
    output = run.stdout + run.stderr
    assert db_url not in output and token not in output
    assert "vault-secret" not in output and "vault-token" not in output
    sent = [r["body"] for r in demo.writes() if r["path"].endswith("/environment")]
    assert sent and {"name": "DB_URL", "value": db_url} in sent[0] and {"name": "TOKEN", "value": token} in sent[0]
    assert demo.state.environments[content_by(demo, "erin", "ap-aging")["guid"]] == {"DB_URL": db_url, "TOKEN": token}


@pytest.mark.parametrize("text,expected", [
    ("items:\n- {name: ap-aging, owner: erin, title: AP Aging 2026}\n- {name: ap-aging, owner: erin, title: Other}\n",
     "items[1] selects the same content item as items[0] (name 'ap-aging')"),
    ("items:\n- {name: ap-aging, owner: erin, title: AP Aging 2026}\n- {name: ap-aging, title: Other}\n",
     "items[1] selects the same content item as items[0] (name 'ap-aging')"),
    ("items:\n- {name: ap-aging, owner: erin, title: [1, 2]}\n", "items[0].title must be a single value, got a list"),
    ("content:\n- {name: ap-aging, owner: erin}\n", "holds no `items:` list"),
    ("items:\n- {name: ap-aging, owner: erin, title: AP Aging 2026}\n- ap-aging\n",
     "items[1] is a string, not a content item"),
    ("items:\n- {name: ap-aging, owner: erin, title: AP Aging 2026}\n- {title: No Name}\n",
     "items[1] gives neither name nor guid"),
])
@pytest.mark.parametrize("mode", ["plan", "apply"])
def test_a_bad_spec_file_fails_naming_the_file_and_entry_before_any_request(demo, playbook, tmp_path, text, expected,
                                                                            mode):
    """22.9"""
    spec = tmp_path / "spec.yml"
    spec.write_text(text)
    report = tmp_path / "plan.md"
    run = run_role(playbook, connect_cac_mode=mode, connect_cac_spec_file=str(spec), connect_cac_report=str(report))
    assert run.rc != 0
    assert "content_as_code: spec file %s" % spec in run.stdout and expected in run.stdout
    assert demo.requests == []
    assert content_by(demo, "erin", "ap-aging")["title"] == "AP Aging Report"
    assert "could not run" in report.read_text() and "No drift" not in report.read_text()


def test_a_spec_given_as_a_variable_is_checked_too(demo, playbook, tmp_path):
    spec = [{"name": "ap-aging", "owner": "erin", "title": "AP Aging 2026"}, {"name": "ap-aging", "owner": "erin"}]
    run = run_role(playbook, connect_cac_mode="apply", connect_cac_spec=spec)
    assert run.rc != 0 and "connect_cac_spec[1] selects the same content item as items[0]" in run.stdout
    assert demo.requests == []


def test_a_plan_that_cannot_read_its_spec_says_so(demo, playbook, tmp_path):
    report = tmp_path / "plan.md"
    for name, content in (("missing.yml", None), ("broken.yml", "items:\n- {name: x\n")):
        if content is not None:
            (tmp_path / name).write_text(content)
        run = run_role(playbook, connect_cac_mode="plan", connect_cac_spec_file=str(tmp_path / name),
                       connect_cac_report=str(report))
        assert run.rc != 0 and "could not read the spec file %s" % (tmp_path / name) in run.stdout
        assert "could not run" in report.read_text() and "No drift" not in report.read_text()
    assert demo.requests == []


def test_export_reports_titles_connect_would_refuse_and_the_plan_has_no_drift(demo, playbook, tmp_path):
    """22.9: a title of 2 or of 1,025 characters cannot be set by a spec: export leaves it out and says so."""
    content_by(demo, "erin", "ap-aging")["title"] = "AP"
    content_by(demo, "erin", "invoice-matcher")["title"] = "I" * 1025
    spec = tmp_path / "spec.yml"
    run = run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec),
                   connect_cac_export_owner="erin").ok()
    unwritten = run["fact"]["connect_cac"]["unwritten"]
    assert sorted((u["name"], u["field"], len(u["value"])) for u in unwritten) == [
        ("ap-aging", "title", 2), ("invoice-matcher", "title", 1025)]
    assert "3 or longer than 1024 characters" in unwritten[0]["reason"]
    assert "the spec leaves out 2 values" in run.stdout
    titles = dict((i["name"], i.get("title")) for i in load_spec(spec)["items"])
    assert titles == {"ap-aging": None, "invoice-matcher": None, "close-checklist": "Month-End Close Checklist"}
    demo.clear_log()
    plan = run_role(playbook, connect_cac_mode="plan", connect_cac_spec_file=str(spec), connect_cac_fail_on_drift=True)
    assert plan.ok()["fact"]["connect_cac"]["rows"] == [] and demo.writes() == []


class Cells(HTMLParser):
    """The cells of each row of the rendered report's table, and any tag other than the table's."""

    def __init__(self):
        super().__init__()
        self.rows, self.other = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
        elif tag not in ("table", "thead", "tbody", "h1", "p"):
            self.other.append(tag)

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def test_report_tables_hold_hostile_text_and_files_are_private(demo, playbook, tmp_path):
    """22.8 and 22.6 for this role: server strings stay in their cell of the Markdown table (rendered by
    markdown-it), never become HTML; the spec and the reports are written 0600 unless connect_cac_file_mode."""
    item = content_by(demo, "erin", "ap-aging")
    item["title"] = HOSTILE_TEXT
    item["description"] = "ends with a backslash \\"
    report = tmp_path / "plan.md"
    spec = [{"name": "ap-aging", "owner": "erin", "title": "Plain", "description": "=1+2|x"}]
    run_role(playbook, connect_cac_mode="plan", connect_cac_spec=spec, connect_cac_report=str(report)).ok()
    html = MarkdownIt("commonmark").enable("table").render(report.read_text())
    cells = Cells()
    cells.feed(html)
    assert cells.other == [] and "<script>" not in html
    header, rows = [[cell.strip() for cell in row] for row in cells.rows[:1]][0], \
        [[cell.strip() for cell in row] for row in cells.rows[1:]]
    assert header == ["item", "owner", "status", "field", "before", "after"]
    assert all(len(row) == 6 for row in rows)
    got = dict((row[3], (row[4], row[5])) for row in rows)
    assert got["title"] == (" ".join(HOSTILE_TEXT.replace("\r", "\n").replace("\u2028", "\n").replace("\u0085", "\n")
                                     .split("\n")), "Plain")
    assert got["description"] == ("ends with a backslash \\", "=1+2|x")
    for path in (report, tmp_path / "plan.csv"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    spec_file = tmp_path / "spec.yml"
    run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec_file),
             connect_cac_export_owner="erin").ok()
    assert stat.S_IMODE(os.stat(spec_file).st_mode) == 0o600
    run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec_file), connect_cac_export_owner="erin",
             connect_cac_file_mode="0640").ok()
    assert stat.S_IMODE(os.stat(spec_file).st_mode) == 0o640


def recap_changed(run):
    line = next(line for line in run.stdout.splitlines() if line.startswith("localhost") and "changed=" in line)
    return int(line.split("changed=")[1].split()[0])


def test_a_plan_without_drift_is_not_changed(demo, playbook, tmp_path):
    """24.12: the report files are written, but the plan is changed only when it finds drift."""
    spec = tmp_path / "spec.yml"
    run_role(playbook, connect_cac_mode="export", connect_cac_spec_file=str(spec), connect_cac_export_owner="erin").ok()
    report = str(tmp_path / "plan.md")
    same = run_role(playbook, connect_cac_mode="plan", connect_cac_spec_file=str(spec), connect_cac_report=report).ok()
    assert recap_changed(same) == 0 and "No drift" in Path(report).read_text()
    drift = run_role(playbook, connect_cac_mode="plan", connect_cac_report=report,
                     connect_cac_spec=[{"name": "ap-aging", "owner": "erin", "title": "AP Aging 2026"}]).ok()
    assert recap_changed(drift) > 0 and "AP Aging 2026" in Path(report).read_text()


@pytest.mark.parametrize("variable", ["connect_cac_purge", "connect_cac_fail_on_drift", "connect_cac_prune"])
def test_booleans_given_as_the_string_false_are_false(demo, playbook, tmp_path, variable):
    """24.5: `-e connect_cac_<bool>=false` (a string) behaves as false."""
    spec = [{"name": "ap-aging", "owner": "erin", "title": "AP Aging 2026", "tags": ["Department/Finance"]}]
    run = run_role(playbook, connect_cac_mode="plan", connect_cac_spec=spec, **{variable: "false"}).ok()
    fact = run["fact"]["connect_cac"]
    assert fact["prune"] == [] and not any(r["path"] == "/__api__/v1/content" and "include" in r["query"]
                                           and r["query"]["include"] == "owner" for r in demo.requests)
    assert dict((r["field"], r["after"]) for r in fact["rows"])["title"] == "AP Aging 2026"
    tags = [(set(r["before"].split(", ")) - {""}, set(r["after"].split(", "))) for r in fact["rows"] if r["field"] == "tags"]
    assert tags and all(before <= after and "Department/Finance" in after for before, after in tags)


def test_many_principals_are_read_in_the_fewest_requests(demo, playbook, tmp_path):
    """24.13 / 29.4: a plan naming 300 users and a group reads the users with one listing, not one search each."""
    names = ["cac-viewer-%03d" % n for n in range(300)]
    for name in names:
        demo.add_user(name, "viewer")
    permissions = [{"principal": name} for name in names] + [
        {"principal": "Finance", "principal_type": "group"}, {"principal": "Leadership", "principal_type": "group"}]
    spec = [{"name": "ap-aging", "owner": "erin", "permissions": permissions}]
    run = run_role(playbook, connect_cac_mode="plan", connect_cac_spec=spec).ok()
    rows = run["fact"]["connect_cac"]["rows"]
    assert [r["field"] for r in rows] == ["permissions"] and "user cac-viewer-299 (viewer)" in rows[0]["after"]
    users = [r for r in demo.requests if r["path"].startswith("/__api__/v1/users")]
    groups = [r for r in demo.requests if r["path"].startswith("/__api__/v1/groups")]
    assert len(users) == 1 and "prefix" not in users[0]["query"], json.dumps(users[:3])
    assert len(groups) == 1 and demo.writes() == []
