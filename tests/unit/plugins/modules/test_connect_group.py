"""connect_group called directly (pytest-ansible) against the stand-in."""


def test_members_are_added_once_then_unchanged(standin, connect_module):
    first = connect_module("connect_group", name="Finance", members=["alice"])
    second = connect_module("connect_group", name="Finance", members=["alice"])
    assert first["changed"] and not second["changed"], (first, second)
    assert [w["method"] for w in standin.writes()] == ["POST"]


def test_a_user_both_added_and_removed_fails_naming_both_options(standin, connect_module):
    result = connect_module("connect_group", name="Finance", members=["bob"], remove_members=["bob"])
    assert result.get("failed") and "'members'" in result["msg"] and "'remove_members'" in result["msg"], result
    assert standin.requests == []


def test_a_group_selected_by_an_unknown_guid_is_not_created(standin, connect_module):
    result = connect_module("connect_group", guid="6f1e0c8e-0000-4000-8000-000000000001")
    assert result.get("failed") and "Option 'guid'" in result["msg"] and "give 'name'" in result["msg"], result
    assert standin.writes() == []
