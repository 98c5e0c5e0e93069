"""The one home of each Connect concept (issue 25.2): tag paths, vanity paths, the ACL rules, the audit
cursor and a module error as a role says it; each used by every caller that had a copy before."""

import json

import pytest

from ansible_collections.posit.connect.plugins.filter.content_as_code import cac_export
from ansible_collections.posit.connect.plugins.filter.items import role_error
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.acl import refused_entry
from ansible_collections.posit.connect.plugins.module_utils.concepts.tags import (
    MAX_TAG_NAME, split_path, tag_path, tag_paths, tags_by_id)
from ansible_collections.posit.connect.plugins.module_utils.concepts.vanity import (
    normalise_vanity, server_root, vanity_path, vanity_problem)
from ansible_collections.posit.connect.plugins.module_utils.files.export import AuditCursor
from ansible_collections.posit.connect.plugins.module_utils.resources.facet_tags import TagsFacet

TREE = [dict(id=1, name="Department", parent_id=None), dict(id="2", name="Finance", parent_id=1),
        dict(id=3, name="{{ lookup('pipe','id') }}\u2028x", parent_id="2")]


def test_tag_paths_from_the_tree_carry_hostile_names_as_data():
    by_id = tags_by_id(TREE)
    assert tag_paths(by_id) == {"1": "Department", "2": "Department/Finance",
                                "3": "Department/Finance/{{ lookup('pipe','id') }}\u2028x"}


def test_a_tag_tree_with_a_cycle_ends_instead_of_recursing_forever():
    by_id = tags_by_id([dict(id=1, name="a", parent_id=2), dict(id=2, name="b", parent_id=1)])
    assert tag_path(by_id["1"], by_id) == "b/a"


def test_content_tags_are_held_to_the_tag_name_limit_as_connect_tag_is():
    with pytest.raises(InputError, match="longer than %d" % MAX_TAG_NAME):
        split_path("Department/" + "x" * (MAX_TAG_NAME + 1), "path")
    facet = TagsFacet.__new__(TagsFacet)
    with pytest.raises(InputError, match="Option 'items\\[0\\].tags'.*longer than 255"):
        facet.prepare(["Department/" + "x" * 256], "items[0].tags", dict(purge_tags=False))
    assert facet.prepare([" Department / Finance "], "tags", dict(purge_tags=False))["paths"] == ["Department/Finance"]


@pytest.mark.parametrize("url, root, path", [
    ("https://connect.example.com/sales/", "", "/sales/"),
    ("https://connect.example.com/rsc/sales/q1/", "/rsc", "/sales/q1/"),
    ("/sales", "", "/sales/"),
    ("", "", None),
])
def test_vanity_path_of_a_url_connect_answers(url, root, path):
    assert vanity_path(url, root) == path


def test_the_cac_export_reads_a_vanity_url_without_content_url_as_a_path():
    """Before: with no content_url the whole URL became the path ("/https:/connect.example.com/sales/")."""
    item = cac_export([dict(guid="g-1", name="report", title="Report", owner={"username": "erin"},
                            vanity_url="https://connect.example.com/sales/")])[0]
    assert item["vanity_url"] == "/sales/"
    assert server_root("https://connect.example.com/rsc/content/g-1/") == "/rsc"


def test_vanity_rules():
    assert normalise_vanity(" sales ") == "/sales/" and normalise_vanity("") == ""
    assert vanity_problem("/sales/", "vanity_url") is None
    assert "reserves" in vanity_problem("/content/x/", "vanity_url")
    assert "Option 'items[2].vanity_url'" in vanity_problem("/a b/", "items[2].vanity_url")


def test_acl_rules():
    owner, viewer = dict(guid="u-1"), dict(guid="u-2", user_role="viewer")
    assert refused_entry(owner, "user", "viewer", "u-1", "c-1", "user 'o'")[0] == "owner"
    assert refused_entry(viewer, "user", "owner", "u-1", "c-1", "user 'v'")[0] == "viewer"
    assert refused_entry(viewer, "user", "viewer", "u-1", "c-1", "user 'v'") is None
    assert refused_entry(dict(guid="u-1"), "group", "owner", "u-1", "c-1", "group 'g'") is None


def test_the_audit_cursor_takes_each_entry_once_across_a_shared_timestamp():
    cursor = AuditCursor("2025-01-31T12:00:00Z", ["1"])
    entries = [dict(id=1, time="2025-01-31T12:00:00Z"), dict(id=2, time="2025-01-31T12:00:00Z"),
               dict(id=0, time="2025-01-31T11:59:59Z"), dict(id=3, time="2025-01-31T12:00:01Z")]
    taken = []
    for entry in entries:
        if not cursor.taken(entry):
            cursor.take(entry)
            taken.append(entry["id"])
    assert taken == [2, 3]
    assert json.loads(json.dumps(cursor.state())) == dict(last_time="2025-01-31T12:00:01Z", last_ids=["3"])


def test_role_error_names_the_role_variable_of_the_option_at_fault():
    variables = {"owner": "connect_handoff_to"}
    failed = dict(msg="Option 'owner': no user 'x'.", error=dict(option="owner", reason="no user 'x'."))
    assert role_error(failed, variables) == "connect_handoff_to: no user 'x'."
    assert role_error(dict(msg="HTTP 500", error=dict(status=500)), variables) == "HTTP 500"
    assert role_error(dict(msg="m", error=dict(option=["owner"])), variables) == "m"
