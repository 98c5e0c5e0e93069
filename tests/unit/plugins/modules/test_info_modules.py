"""The info modules called directly (pytest-ansible) against the stand-in: what they find, that they write
nothing, and that a bad guid names the option before any request."""

import pytest

GUID = "6f1e0c8e-0000-4000-8000-000000000001"


def test_user_info_filters_by_role(standin, connect_module):
    result = connect_module("connect_user_info", role=["viewer"])
    assert not result.get("failed"), result
    assert sorted(u["username"] for u in result["users"]) == ["frank", "mallory", "victor", "wendy"]
    assert standin.writes() == []


def test_group_info_lists_members(standin, connect_module):
    result = connect_module("connect_group_info", name="Finance", members=True)
    assert not result.get("failed"), result
    assert [g["name"] for g in result["groups"]] == ["Finance"]
    assert sorted(m["username"] for m in result["groups"][0]["members"]) == ["erin", "victor", "wendy"]


def test_content_info_by_owner(standin, connect_module):
    result = connect_module("connect_content_info", owner="carol")
    assert not result.get("failed"), result
    dave = standin.state.user_by_username("carol")["guid"]
    assert result["content"] and {c["owner_guid"] for c in result["content"]} == {dave}


def test_server_info_reports_the_version(standin, connect_module):
    result = connect_module("connect_server_info")
    assert not result.get("failed") and result["server"]["version"] == standin.version, result


@pytest.mark.parametrize("module, option", [
    ("connect_user_info", "guid"), ("connect_group_info", "guid"), ("connect_content_info", "guid"),
    ("connect_usage_info", "content"), ("connect_package_info", "content"),
])
def test_a_bad_guid_names_the_option_before_any_request(standin, connect_module, module, option):
    result = connect_module(module, **{option: "not-a-guid"})
    assert result.get("failed") and "Option '%s'" % option in result["msg"], result
    assert [r for r in standin.requests if "/v1/" in r["path"]] == []
