"""module_utils/concepts/inputs.py: the shared input checks, with the option named in each message."""

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid, check_not_empty

GUID = "6F300623-1E0C-48E6-A473-DDF630C0C0C3"


def test_check_guid_lowercases_a_guid_and_passes_none():
    assert check_guid(GUID, "guid") == GUID.lower()
    assert check_guid(None, "guid") is None


def test_check_guid_names_the_option_kind_and_hint():
    with pytest.raises(InputError) as raised:
        check_guid("alice", "guid", "user", "To find a user by name use 'username'.")
    assert raised.value.option == "guid"
    assert "'alice' is not a user guid" in str(raised.value) and str(raised.value).endswith("use 'username'.")


@pytest.mark.parametrize("value", ["", "   "])
def test_check_not_empty_refuses_blank_text(value):
    with pytest.raises(InputError) as raised:
        check_not_empty(dict(name="ok", prefix=value), "name", "prefix")
    assert raised.value.option == "prefix" and "must not be empty" in str(raised.value)


def test_check_not_empty_accepts_unset_and_text():
    params = dict(name=None, prefix="team-", title=" x ")
    assert check_not_empty(params, "name", "prefix", "title") is None  # no InputError
    assert params == dict(name=None, prefix="team-", title=" x ")  # and nothing is changed


@pytest.mark.parametrize("message, option, reason", [
    ("Option 'limit' must be 1 or more, got 0.", "limit", "must be 1 or more, got 0."),
    ("Option 'guid': 'x' is not a content guid.", "guid", "'x' is not a content guid."),
    ("The server refused it.", None, "The server refused it."),
])
def test_input_errors_carry_the_option_in_either_message_shape(message, option, reason):
    error = InputError(message)
    assert (error.option, error.reason) == (option, reason)
    assert error.to_dict() == (dict(option=option, reason=reason) if option else {})
