"""The shared content selection of the operations modules (concepts/selection.py), against the stand-in."""

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.selection import (
    SELECTORS,
    select,
    selected,
    selection_rules,
    selection_spec,
)

from connect_standin import StandIn

HOSTILE = "{{ lookup('pipe','touch X') }} {% if %}\n\r\u2028\u0085=cmd|' /C calc'!A0 <script>\"'"


@pytest.fixture(scope="module")
def server():
    with StandIn(version="2026.01.0") as standin:
        standin.add_user("sel_a", "publisher")
        standin.add_user("sel_b", "publisher")
        standin.add_content("sel-one", owner="sel_a", app_mode="shiny")
        standin.add_content("sel-two", owner="sel_a", app_mode="quarto-static")
        standin.add_content("sel-one", owner="sel_b", app_mode="shiny")
        standin.add_content("sel-hostile", owner="sel_b", title=HOSTILE, app_mode="python-api")
        yield standin


@pytest.fixture
def client(server):
    server.clear_log()
    return ConnectClient(server=server.url, api_key=server.keys["admin"], retries=0)


def params(**given):
    found = dict.fromkeys(selection_spec())
    found.update(given)
    return found


def guid(server, name, owner):
    owner_guid = server.state.user_by_username(owner)["guid"]
    return next(c["guid"] for c in server.state.content.values() if c["name"] == name and c["owner_guid"] == owner_guid)


def tag(server, admin, path):
    parent = None
    for name in path.split("/"):
        body = dict(name=name, **({"parent_id": parent} if parent else {}))
        found = [t for t in admin.get("v1/tags") if t["name"] == name and str(t.get("parent_id")) == str(parent)]
        parent = found[0]["id"] if found else admin.post("v1/tags", body)["id"]
    return parent


def names(items):
    return sorted((item["name"], item["owner_guid"]) for item in items)


def test_spec_and_rules():
    spec = selection_spec()
    assert set(SELECTORS) <= set(spec) and "owner" in spec
    assert spec["items"]["options"] == dict(guid=dict(type="str"), name=dict(type="str"), owner=dict(type="str"))
    assert ["guid", "items"] in selection_rules()["mutually_exclusive"]
    assert "required_one_of" not in selection_rules(required=False)
    assert not selected(params()) and selected(params(app_mode=["shiny"]))


def test_by_guid_is_one_read(server, client):
    wanted = guid(server, "sel-two", "sel_a")
    assert [item["guid"] for item in select(client, params(guid=wanted.upper()))] == [wanted]
    assert [entry["path"] for entry in server.requests] == ["/__api__/v1/content/%s" % wanted]


def test_a_repeated_name_needs_its_owner(server, client):
    with pytest.raises(InputError) as raised:
        select(client, params(name="sel-one"))
    assert "'name'" in str(raised.value) and "owner" in str(raised.value)
    found = select(client, params(name="sel-one", owner="sel_b"))
    assert [item["guid"] for item in found] == [guid(server, "sel-one", "sel_b")]


def test_items_in_order_once_each_from_one_listing(server, client):
    two, one_b = guid(server, "sel-two", "sel_a"), guid(server, "sel-one", "sel_b")
    found = select(client, params(items=[{"guid": two}, {"name": "sel-one", "owner": "sel_b"}, {"guid": two}]))
    assert [item["guid"] for item in found] == [two, one_b]
    listings = [entry for entry in server.requests if entry["path"] == "/__api__/v1/content"]
    assert len(listings) == 1 and server.writes() == []


def test_unknown_entries_name_the_option(server, client):
    for given, option in ((dict(guid="not-a-guid"), "'guid'"),
                          (dict(guid="9b4f3e2a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"), "'guid'"),
                          (dict(name=HOSTILE), "'name'"),
                          (dict(items=[{"guid": guid(server, "sel-two", "sel_a")}, {"name": "nope"}]), "'items[1].name'"),
                          (dict(owned_by="nobody-here"), "'owned_by'"),
                          (dict(tags=["No/Such"]), "'tags'"),
                          (dict(tags=["Department//x"]), "'tags'"),
                          (dict(owner="sel_a"), "'owner'")):
        with pytest.raises(InputError) as raised:
            select(client, params(**given))
        assert option in str(raised.value), given


def test_owned_by_app_mode_and_tags_narrow_each_other(server, client):
    assert names(select(client, params(owned_by="sel_a"))) == names(
        [c for c in server.state.content.values() if c["owner_guid"] == server.state.user_by_username("sel_a")["guid"]])
    shiny = select(client, params(owned_by="sel_a", app_mode=["shiny"]))
    assert [item["guid"] for item in shiny] == [guid(server, "sel-one", "sel_a")]
    admin = client
    finance = tag(server, admin, "Sel Dept/Finance")
    sales = tag(server, admin, "Sel Dept/Sales")
    for name, owner, tag_id in (("sel-one", "sel_a", finance), ("sel-two", "sel_a", finance),
                                ("sel-hostile", "sel_b", finance), ("sel-two", "sel_a", sales)):
        admin.post("v1/content/%s/tags" % guid(server, name, owner), {"tag_id": str(tag_id)})
    server.clear_log()
    both = select(client, params(tags=["Sel Dept/Finance", " Sel Dept / Sales "]))
    assert [item["guid"] for item in both] == [guid(server, "sel-two", "sel_a")]
    assert server.writes() == []
    hostile = select(client, params(tags=["Sel Dept/Finance"], app_mode=["python-api"]))
    assert [item["title"] for item in hostile] == [HOSTILE]
    assert select(client, params(items=[{"name": "sel-hostile"}], owned_by="sel_a")) == []
