"""connect_content called directly (pytest-ansible) against the stand-in: input checks that fail before any request
reaches a write, and a change that converges."""

import pytest


@pytest.fixture
def item(standin):
    return next(c for c in standin.state.content.values() if c["title"])


@pytest.mark.parametrize("args, message", [
    (dict(title="X"), "Option 'title' must be 3 to 1024 characters long"),
    (dict(name="x" * 65), "is not a valid content name; use 1 to 64 letters"),
    (dict(settings={"no_such_field": 1}), "Option 'settings': 'no_such_field' is not a writable content field"),
    (dict(min_processes=3, max_processes=2), "min_processes (3) is greater than max_processes (2)"),
    (dict(owner="nobody-here"), "Option 'owner': no Connect user with username or guid 'nobody-here'"),
    (dict(load_factor=2.0), "must be between 0 and 1"),
])
def test_bad_input_fails_naming_the_option_and_writes_nothing(standin, connect_module, item, args, message):
    result = connect_module("connect_content", guid=item["guid"], **args)
    assert result.get("failed") and message in result["msg"], result
    assert standin.writes() == []


def test_an_input_error_carries_the_option_and_reason(standin, connect_module, item):
    result = connect_module("connect_content", guid=item["guid"], owner="nobody-here")
    assert result["error"] == dict(option="owner", reason="no Connect user with username or guid 'nobody-here'. "
                                   "Check the spelling, or list users with posit.connect.connect_user_info.")


def test_a_change_is_applied_once_then_unchanged(standin, connect_module, item):
    first = connect_module("connect_content", guid=item["guid"], description="Managed by Ansible")
    second = connect_module("connect_content", guid=item["guid"], description="Managed by Ansible")
    assert first["changed"] and first["content"]["description"] == "Managed by Ansible"
    assert second["changed"] is False
    assert [w["method"] for w in standin.writes()] == ["PATCH"]


@pytest.mark.parametrize("environment, message", [
    ({"A=B": "x"}, "Option 'environment': 'A=B' is not an environment variable name"),
    ({"TOKEN": ["s3cr3t-token-value"]}, "Option 'environment.TOKEN': give the value as a string"),
])
def test_bad_environment_input_fails_naming_the_option_and_writes_nothing(standin, connect_module, item, environment,
                                                                          message):
    result = connect_module("connect_content", guid=item["guid"], environment=environment)
    assert result.get("failed") and message in result["msg"], result
    assert "s3cr3t-token-value" not in repr(result)
    assert standin.writes() == []
