"""plugins/filter/content_as_code.py without a server: the spec check, the spec's YAML (hostile text round-trips, no
name breaks out of its comment), the Markdown cell; and principals.list_if_cheaper's choice of requests."""

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.posit.connect.plugins.filter import content_as_code
from ansible_collections.posit.connect.plugins.filter.content_as_code import (
    EXPORT_FIELDS,
    cac_content_items,
    cac_export,
    cac_md,
    cac_problems,
    cac_schedule_drift,
    cac_spec_yaml,
)
from ansible_collections.posit.connect.plugins.module_utils.concepts.principals import UserCache, list_if_cheaper

BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"]
HOSTILE = ["{{ lookup('pipe','id') }}", "{% for x in y %}", "{# c #}", "=cmd|' /C calc'!A0", "<script>x</script>",
           "it's \"quoted\"", "- name: x", "# not a comment", "a: b", "&anchor", "*alias", "!tag", "@", "`", "%",
           "true", "null", "0x10", "1e3", "~", " leading", "trailing ", ""]


class SpecLoader(yaml.SafeLoader):
    pass


SpecLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def record(**fields):
    base = dict(guid="g-1", name="report", title="Report", owner={"username": "erin"})
    base.update(fields)
    return base


@pytest.mark.parametrize("text", HOSTILE + ["x%sy" % b for b in BREAKS] +
                         ["x%s- name: y\n  state: absent" % b for b in BREAKS])
def test_every_server_string_reads_back_as_itself(text):
    title = text if 3 <= len(text) <= 1024 else "Title " + text
    items = cac_export([record(title=title, description=text, locked_message=text)])
    spec = cac_spec_yaml(items)
    read = yaml.load(spec, Loader=SpecLoader)["items"]
    written = dict(description=text, locked_message=text) if text else {}  # "" is Connect's default: not written
    assert read == [dict(name="report", owner="erin", title=title, **written)]
    assert ("!unsafe" in spec[spec.index("\nitems:"):]) == ("{" in text)


@pytest.mark.parametrize("brk", BREAKS)
def test_environment_names_with_line_breaks_are_left_out_and_listed(brk):
    name = "LOG_LEVEL%s- name: finance-report%s  state: absent" % (brk, brk)
    items = cac_export([record(environment=[name, "DB_URL", "{{ x }}"])])
    assert items[0]["environment_names"] == ["DB_URL", "{{ x }}"]
    assert [(u["field"], u["value"]) for u in items[0]["unwritten"]] == [("environment", name)]
    spec = cac_spec_yaml(items)
    assert "finance-report" not in spec
    assert spec.splitlines()[-1] == "  # environment variables on the server (values not exported): [DB_URL, '{{ x }}']"
    assert yaml.load(spec, Loader=SpecLoader)["items"] == [dict(name="report", owner="erin", title="Report")]


def test_a_large_spec_reads_back_in_runs_that_overlap_and_refuses_a_broken_item_anywhere(monkeypatch):
    """The read-back of a spec goes READ_BACK items at a time, each run overlapping the next by one: the whole text
    still reads back as every item, and an item that does not read back as itself is refused wherever it is (the
    first, a run's last, the item the runs share, the last)."""
    count = 2 * content_as_code.READ_BACK + 3
    items = cac_export([record(guid="g-%d" % n, name="item-%d" % n, title=HOSTILE[n % len(HOSTILE)] + " title",
                               environment=["DB_URL"] if n % 7 == 0 else [])
                        for n in range(count)])
    spec = cac_spec_yaml(items)
    read = yaml.load(spec, Loader=SpecLoader)["items"]
    assert sorted(item["name"] for item in read) == sorted("item-%d" % n for n in range(count))
    assert [item for item in read if item["name"] == "item-5"][0]["title"] == HOSTILE[5] + " title"

    dump = content_as_code._dump
    order = [item["name"] for item in read]  # the spec's order of the items
    for broken in (0, content_as_code.READ_BACK - 1, content_as_code.READ_BACK, count - 1):
        def lossy(data, **options):
            text = dump(data, **options)
            if isinstance(data, list) and data and data[0].get("name") == order[broken]:
                text = text.replace("name: %s\n" % order[broken], "name: other\n")
            return text

        monkeypatch.setattr(content_as_code, "_dump", lossy)
        with pytest.raises(AnsibleFilterError, match="does not read back"):
            cac_spec_yaml(items)
    monkeypatch.setattr(content_as_code, "_dump", dump)
    assert cac_spec_yaml(items) == spec


def test_titles_connect_refuses_are_left_out():
    items = cac_export([record(title="ab"), record(guid="g-2", name="long", title="t" * 1025)])
    assert [i.get("title") for i in items] == [None, None]
    assert [len(i["unwritten"][0]["value"]) for i in items] == [1025, 2]


def test_problems_name_the_source_and_entry():
    spec = {"items": [{"name": "a", "owner": "x"}, {"name": "a"}, "a", {"name": "b", "title": [1, 2]},
                      {"guid": "ABC"}, {"guid": "abc"}, {"name": "c", "tags": "T"}, {"title": "t"},
                      {"name": "a", "owner": "y"}]}
    assert cac_problems(spec, "spec file s.yml") == [
        "spec file s.yml: items[1] selects the same content item as items[0] (name 'a'); list each item once, or give "
        "each its owner.",
        "spec file s.yml: items[2] is a string, not a content item: give a mapping with name and owner, or guid.",
        "spec file s.yml: items[3].title must be a single value, got a list.",
        "spec file s.yml: items[5] selects the same content item as items[4] (guid abc); list each item once, or give "
        "each its owner.",
        "spec file s.yml: items[6].tags must be a list, got a string.",
        "spec file s.yml: items[7] gives neither name nor guid: name the content item (with owner), or give its guid.",
        "spec file s.yml: items[8] selects the same content item as items[1] (name 'a'); list each item once, or give "
        "each its owner.",
    ]
    assert cac_problems({"content": []}, "spec file s.yml")[0].startswith("spec file s.yml holds no `items:` list")
    assert cac_problems([{"name": "a", "owner": "x"}, {"name": "a", "owner": "y"}, {"guid": "g"}]) == []


def test_markdown_cell_keeps_to_its_cell():
    assert cac_md("a|b\\c\nd\re\u2028f\u0085g<i>&") == "a\\|b\\\\c d e f g&lt;i&gt;&amp;"
    assert cac_md(None) == "" and cac_md(5) == "5"


class Pages:
    """GET v1/users or v1/groups, paged as Connect pages them (page_size, page_number, total)."""

    def __init__(self, count, field="username"):
        self.items = [{"guid": "%08d-0000-0000-0000-000000000000" % n, field: "p%d" % n} for n in range(count)]
        self.calls = []

    def get(self, path, params=None):
        self.calls.append((path, dict(params or {})))
        params = params or {}
        if "prefix" in params:
            found = [i for i in self.items if i.get("username", i.get("name")).startswith(params["prefix"])]
            return {"results": found[:500], "total": len(found)}
        size, number = params.get("page_size", 500), params.get("page_number", 1)
        return {"results": self.items[(number - 1) * size:number * size], "total": len(self.items)}

    def paginate_offset(self, path, params=None, pages_at_once=1):
        number = 1
        while True:
            page = self.get(path, dict(params or {}, page_size=500, page_number=number))
            yield from page["results"]
            if number * 500 >= page["total"]:
                return
            number += 1


@pytest.mark.parametrize("users,wanted,requests,complete", [
    (300, 300, 1, True),      # one page holds everyone
    (300, 1, 0, False),       # one lookup is cheaper
    (1200, 2, 1, False),      # three pages cost more than the one lookup page 1 leaves
    (1200, 10, 4, True),      # page 1, then the whole listing (3 pages) for 10 lookups
])
def test_list_if_cheaper_takes_the_fewest_requests(users, wanted, requests, complete):
    client = Pages(users)
    names = set("p%d" % (users - 1 - n) for n in range(wanted))
    found, whole = list_if_cheaper(client, "user", names)
    assert (len(client.calls), whole) == (requests, complete)


def test_user_cache_answers_announced_lookups_from_one_listing():
    client = Pages(300)
    cache = UserCache(client)
    cache.expect("user", ["p%d" % n for n in range(300)])
    assert [cache.require_user("p%d" % n, "o")["username"] for n in range(300)] == ["p%d" % n for n in range(300)]
    assert cache.name_of("00000007-0000-0000-0000-000000000000") == "p7"
    with pytest.raises(Exception, match="no Connect user with username or guid 'nobody'"):
        cache.require_user("nobody", "items[0].owner")
    assert len(client.calls) == 1
    alone = UserCache(Pages(300))
    alone.require_user("p1", "o")
    assert alone.client.calls == [("v1/users", {"prefix": "p1", "page_size": 500, "page_number": 1})]


def test_environments_export_read_back_and_problems():
    from ansible_collections.posit.connect.plugins.filter.content_as_code import (
        cac_export_environments, cac_problems, cac_spec_yaml)
    title = "{{ lookup('pipe','id') }}\n\u2028=cmd|' /C calc'!A0"
    exported = cac_export_environments([
        {"guid": "g", "name": "img:2", "cluster_name": "Kubernetes", "title": title, "matching": "exact",
         "python": {"installations": [{"version": "3.12.4", "path": "/p"}]}, "r": None, "volume_mounts": []},
        {"name": "img:1", "title": None}, {"title": "no name"}])
    assert exported == [{"name": "img:1"}, {"name": "img:2", "cluster_name": "Kubernetes", "title": title,
                                            "matching": "exact", "python": [{"version": "3.12.4", "path": "/p"}]}]
    text = cac_spec_yaml([], exported)
    assert "title: !unsafe " in text and text.index("environments:") < text.index("items:")
    assert "environments:" not in cac_spec_yaml([])
    assert cac_problems({"items": [], "environments": exported}) == []
    problems = cac_problems({"items": [], "environments": [{"name": "a"}, {"name": "a"}, {"title": "x"}, "b"]}, "f")
    assert problems == ["f: environments[1] is the same image as environments[0]; list each image once.",
                        "f: environments[2] gives no image name: give each execution environment its `name` (the image).",
                        "f: environments[3] gives no image name: give each execution environment its `name` (the image)."]
    assert cac_problems({"items": [], "environments": {"name": "a"}}, "f") == [
        "f: environments must be a list of execution environments, got a mapping."]


def scheduled(text="RRULE:FREQ=DAILY;INTERVAL=1", **extra):
    """A ContentSchedule as connect_content_info include=schedule gives it (fields may be missing)."""
    schedule = dict(type="rrule", schedule={"dtstart": "DTSTART;TZID=UTC:20260101T060000", "rrules": [text]},
                    timezone="UTC", next_run="2026-12-07T06:00:00Z", end_time=None, variant={"key": "v1"})
    schedule.update(extra)
    return record(schedules=[schedule])


@pytest.mark.parametrize("text", HOSTILE + BREAKS)
def test_export_writes_schedules_and_hostile_rules_round_trip(text):
    items = cac_export([scheduled(text, timezone=text)])
    assert items[0]["schedules"] == [dict(type="rrule", timezone=text, rule={
        "dtstart": "DTSTART;TZID=UTC:20260101T060000", "rrules": [text]})]  # no next_run, no null end_time
    read = yaml.load(cac_spec_yaml(items), Loader=SpecLoader)["items"]
    assert read[0]["schedules"] == items[0]["schedules"]
    assert cac_schedule_drift([scheduled(text, timezone=text)], read) == []


def test_export_without_schedules_answered_or_with_none_writes_no_schedules():
    assert "schedules" not in cac_export([record()])[0]
    assert "schedules" not in cac_export([record(schedules=[])])[0]
    assert cac_export([record(schedules=[{}])])[0]["schedules"] == [{}]  # every field missing: read with fallbacks


def test_schedule_drift_rows_and_items_sent_without_schedules():
    spec = [dict(name="report", owner="erin", schedules=[dict(type="rrule", rule="x")]),
            dict(name="other", owner="erin", title="Other"),
            dict(guid="G-2", schedules=[])]
    content = [scheduled(), record(guid="g-2", name="two", schedules=[]), record(guid="g-3", name="three")]
    rows = cac_schedule_drift(content, spec)
    assert [(r["index"], r["name"], r["guid"], r["status"], r["field"]) for r in rows] == [
        (0, "report", "g-1", "drift", "schedules")]
    assert '"RRULE:FREQ=DAILY;INTERVAL=1"' in rows[0]["before"] and rows[0]["after"] == '[{"rule": "x", "type": "rrule"}]'
    assert cac_schedule_drift(content, spec, True)[0]["status"] == "not applied"
    unanswered = cac_schedule_drift([record()], spec[:1])
    assert unanswered[0]["before"] == "(not reported by this Connect server)"
    assert cac_content_items(spec) == [dict(name="report", owner="erin"), spec[1], dict(guid="G-2")]
    assert cac_problems([dict(name="report", owner="erin", schedules="daily")]) == [
        "connect_cac_spec[0].schedules must be a list, got a string."]


def test_integrations_export_without_secrets_and_read_back_with_a_comment():
    from ansible_collections.posit.connect.plugins.filter.content_as_code import _SpecLoader, cac_export_integrations
    hostile = "{{ lookup('pipe','touch /tmp/x') }} {% raw %}\nline\u2028=cmd|' /C calc'!A0 <script>"
    read = [dict(guid="g-2", name=hostile, description=None, template="custom",
                 config=dict(client_id="id", scopes="email", auth_mode=None)),
            dict(guid="g-1", name="Warehouse", description="Analysts", template="custom", config={}),
            dict(guid="g-3", name="")]
    exported = cac_export_integrations(read)
    assert exported == [dict(name="Warehouse", description="Analysts", template="custom"),
                        dict(name=hostile, template="custom", config=dict(client_id="id", scopes="email"))]
    text = cac_spec_yaml([], integrations=exported)
    assert "  # config: Connect returns no secret" in text and "client_secret" in text
    assert yaml.load(text, Loader=_SpecLoader)["integrations"] == exported
    problems = cac_problems(dict(items=[], integrations=[dict(name="A"), dict(name="A"), dict(template="custom")]), "f")
    assert problems == ["f: integrations[1] is the same integration as integrations[0]; list each integration once.",
                        "f: integrations[2] gives no integration name: give each OAuth integration its `name`."]
    assert cac_problems(dict(items=[], integrations="x"), "f") == [
        "f: integrations must be a list of OAuth integrations, got a string."]


def test_the_spec_is_written_and_read_back_by_libyaml_when_pyyaml_has_it():
    """At 10,000 items the pure-Python emitter and parser took most of an export's CPU (issue 29)."""
    from ansible_collections.posit.connect.plugins.filter import content_as_code

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    assert issubclass(content_as_code._SpecDumper, yaml.CSafeDumper)
    assert issubclass(content_as_code._SpecLoader, yaml.CSafeLoader)


READ_BACK = HOSTILE + ["x%sy" % b for b in BREAKS] + ["Dept/{{ lookup('pipe','id') }}", "é漢字😀", "{a", "[x]", "x #y", "? q"]


@pytest.mark.parametrize("text", READ_BACK)
def test_the_spec_reads_back_through_ansibles_own_loader(text):
    """What libyaml's emitter writes (plain `!unsafe Dept/{{ x }}`, escaped characters beyond the BMP) is what
    include_vars reads: the same text, and the templated-looking text still tagged !unsafe."""
    from ansible.parsing.utils.yaml import from_yaml
    from ansible.template import is_trusted_as_template, trust_as_template

    items = cac_export([record(title="Title " + text, description=text, tags=[dict(path=text)] if text else [])])
    spec = cac_spec_yaml(items)
    read = from_yaml(trust_as_template(spec))["items"][0]  # include_vars trusts the file's text as a template
    assert read["description" if text else "title"] == (text or "Title ")
    assert read.get("tags", []) == ([text] if text else [])
    assert not any(is_trusted_as_template(value) for value in [read["title"]] + read.get("tags", []) if "{" in value)


def test_principal_types_names_the_kinds_the_acls_name():
    from ansible_collections.posit.connect.plugins.filter.content_as_code import cac_principal_types

    user = dict(principal_guid="u-1", principal_type="user", role="viewer")
    group = dict(principal_guid="g-1", principal_type="group", role="owner")
    assert cac_principal_types([record(permissions=[user]), record(permissions=None), record()]) == ["user"]
    assert cac_principal_types([record(permissions=[group]), record(permissions=[user, group])]) == ["group", "user"]
    assert cac_principal_types([record(permissions=[]), record(permissions=[dict(principal_guid="x")])]) == []
    assert cac_principal_types(None) == []


def test_ten_thousand_items_without_owner_are_checked_in_linear_time():
    """An item without owner was compared with every item before it (issue 29: 10,000 items took minutes)."""
    import time

    spec = [dict(name="item-%05d" % n) for n in range(20000)] + [dict(name="item-00007", owner="erin")]
    start = time.perf_counter()
    problems = cac_problems({"items": spec}, "f")
    assert time.perf_counter() - start < 2
    assert problems == ["f: items[20000] selects the same content item as items[7] (name 'item-00007'); list each "
                        "item once, or give each its owner."]
    assert cac_problems([dict(name="a", owner="x"), dict(guid="G"), dict(name="a")], "s") == [
        "s[2] selects the same content item as items[0] (name 'a'); list each item once, or give each its owner."]


def test_the_schedules_of_ten_thousand_items_are_compared_in_linear_time():
    """Each spec item's record was looked for in the whole listing (issue 29)."""
    import time

    content = [dict(scheduled(), guid="g-%05d" % n, name="item-%05d" % n, owner={"username": "erin"})
               for n in range(10000)]
    wanted = cac_export(content[:1])[0]["schedules"]
    spec = [dict(name="item-%05d" % n, owner="erin", schedules=wanted) for n in range(10000)]
    spec += [dict(guid="G-00003", schedules=[]), dict(name="item-00004", schedules=[]), dict(name="new", schedules=[])]
    start = time.perf_counter()
    rows = cac_schedule_drift(content, spec)
    assert time.perf_counter() - start < 3
    assert [(row["index"], row["guid"]) for row in rows] == [(10000, "g-00003"), (10001, "g-00004")]


def test_export_names_acl_principals_by_their_principal_name_unless_a_listing_names_them():
    """connect_content_info's ACL entries carry principal_name: the export needs no users or groups listing of its
    own; a name from `users` or `groups` still wins, and an entry named by neither keeps its guid."""
    hostile = "{{ lookup('pipe','touch X') }}\n<script>"
    entries = [dict(principal_guid="u-1", principal_type="user", role="viewer", principal_name=hostile),
               dict(principal_guid="g-1", principal_type="group", role="owner", principal_name="Ops"),
               dict(principal_guid="u-2", principal_type="user", role="viewer", principal_name=None)]
    items = cac_export([record(permissions=entries)])
    assert items[0]["permissions"] == [dict(principal="Ops", principal_type="group", role="owner"),
                                       dict(principal="u-2"), dict(principal=hostile)]
    named = cac_export([record(permissions=entries)], users=[dict(guid="u-1", username="alice")])
    assert [entry["principal"] for entry in named[0]["permissions"]] == ["Ops", "alice", "u-2"]


def test_export_reads_only_the_fields_it_asks_connect_content_info_for():
    """connect_content_spec's export asks connect_content_info for EXPORT_FIELDS only (issue 29: less to carry at
    10,000 items): every item of the demo seed, as Connect sends it with every include, exports the same from them."""
    from connect_standin import StandIn

    state = StandIn(seed_options={"now": 1_750_000_000}).state
    admin = state.user_by_username("admin")
    records = []
    for number, item in enumerate(state.content.values()):
        sent = state.content_out(item, admin, "https://connect.example.com", include=("owner", "tags", "vanity_url"))
        sent.update(permissions=[dict(principal_type="user", principal_guid=admin["guid"], role="owner",
                                      principal_name="admin")],
                    environment=["DB_URL"], oauth_integrations=["Snowflake"] if number % 2 else [],
                    schedules=scheduled()["schedules"] if number % 3 == 0 else [])
        records.append(sent)
    kept = [dict((key, value) for key, value in record.items() if key in EXPORT_FIELDS) for record in records]
    assert all(set(record) - set(EXPORT_FIELDS) for record in records)  # some fields are left out of each
    assert cac_export(kept) == cac_export(records) and len(cac_export(records)) == len(records)
