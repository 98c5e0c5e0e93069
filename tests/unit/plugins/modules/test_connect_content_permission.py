"""connect_content_permission called directly (pytest-ansible) against the stand-in."""


def content_guid(standin, owner, name):
    owner_guid = standin.state.user_by_username(owner)["guid"]
    return next(c["guid"] for c in standin.state.content.values() if c["owner_guid"] == owner_guid and c["name"] == name)


def test_a_grant_is_applied_once_then_unchanged(standin, connect_module):
    guid = content_guid(standin, "dave", "quarterly-report")
    first = connect_module("connect_content_permission", content=guid, principal="wendy")
    second = connect_module("connect_content_permission", content=guid, principal="wendy")
    assert first["changed"] and not second["changed"], (first, second)
    assert [(w["method"], w["path"].rsplit("/", 1)[-1]) for w in standin.writes()] == [("POST", "permissions")]


def test_a_viewer_as_collaborator_fails_naming_the_option_and_writes_nothing(standin, connect_module):
    guid = content_guid(standin, "dave", "quarterly-report")
    result = connect_module("connect_content_permission", content=guid, principal="victor", role="owner")
    assert result.get("failed") and "victor" in result["msg"] and "viewer" in result["msg"], result
    assert standin.writes() == []


def test_a_bad_content_guid_names_the_option(standin, connect_module):
    result = connect_module("connect_content_permission", content="not-a-guid", principal="wendy")
    assert result.get("failed") and "Option 'content'" in result["msg"], result
    assert standin.requests == []
