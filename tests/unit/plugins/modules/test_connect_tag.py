"""connect_tag called directly (pytest-ansible) against the stand-in."""


def test_a_tag_path_is_created_once_then_unchanged(standin, connect_module):
    first = connect_module("connect_tag", path="Department/Legal")
    second = connect_module("connect_tag", path="Department/Legal")
    assert first["changed"] and not second["changed"], (first, second)
    assert [w["method"] for w in standin.writes()] == ["POST"]
    assert any(t["name"] == "Legal" for t in standin.state.tags.values())
