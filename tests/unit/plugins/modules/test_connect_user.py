"""connect_user called directly (pytest-ansible) against the stand-in."""


def test_a_new_user_is_created_once_and_the_password_is_never_returned(standin, connect_module):
    args = dict(username="nina", email="nina@example.com", first_name="Nina", password="s3cret-Passw0rd")
    first = connect_module("connect_user", **args)
    second = connect_module("connect_user", **args)
    assert first["changed"] and first["user"]["username"] == "nina" and not second["changed"], (first, second)
    assert "s3cret-Passw0rd" not in repr(first) + repr(second)
    assert [w["method"] for w in standin.writes()] == ["POST"]


def test_a_remote_user_with_a_password_fails_naming_the_option_and_writes_nothing(standin, connect_module):
    result = connect_module("connect_user", username="oscar", remote=True, password="whatever-1234")
    assert result.get("failed") and "Option 'password'" in result["msg"] and "remote" in result["msg"], result
    assert standin.requests == []


def test_a_profile_change_is_one_put(standin, connect_module):
    result = connect_module("connect_user", username="wendy", last_name="Wu-Li")
    assert result["changed"] and result["user"]["last_name"] == "Wu-Li", result
    assert [w["method"] for w in standin.writes()] == ["PUT"]
