"""connect_user_offboard called directly (pytest-ansible) against the stand-in, and the validation of the options
it gives each step (ConnectModule.reconcile with params)."""

import pytest

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.engine.module import validated
from ansible_collections.posit.connect.plugins.module_utils.resources.content import ContentResource
from ansible_collections.posit.connect.plugins.module_utils.resources.group import GroupResource
from ansible_collections.posit.connect.plugins.module_utils.resources.permission import PermissionResource
from ansible_collections.posit.connect.plugins.module_utils.resources.user import UserResource


def test_a_step_gets_the_defaults_of_its_own_module():
    handoff = validated(ContentResource.argument_form(), dict(owned_by="dave", owner="erin", concurrency=3))
    assert (handoff["state"], handoff["purge_tags"], handoff["items"], handoff["concurrency"]) == \
        ("present", False, None, 3)
    access = validated(PermissionResource.argument_form(), dict(principal="dave", state="absent", all_content=True))
    assert (access["principal_type"], access["role"], access["concurrency"]) == ("user", "viewer", 8)
    groups = validated(GroupResource.argument_form(), dict(remove_members=["dave"], all_groups=True))
    assert (groups["state"], groups["purge_members"], groups["remote"]) == ("present", False, False)
    assert validated(UserResource.argument_form(), dict(guid="g", locked=True))["state"] == "present"


@pytest.mark.parametrize("form,params,words", [
    (UserResource.argument_form, dict(guid="g", locked="maybe"), "'locked'"),
    (UserResource.argument_form, dict(guid="g", bogus=1), "bogus"),
    (ContentResource.argument_form, dict(owned_by="dave", guid="g"), "owned_by"),
    (PermissionResource.argument_form, dict(content="g", state="absent"), "principal"),
])
def test_bad_step_options_are_an_input_error_naming_them(form, params, words):
    with pytest.raises(InputError) as caught:
        validated(form(), params)
    assert words in str(caught.value)


def test_a_user_who_owns_nothing_needs_no_new_owner_and_is_locked_last(standin, connect_module):
    first = connect_module("connect_user_offboard", user="wendy")
    assert first["changed"] and first["locked"] and first["failures"] == [] and first["to"] is None, first
    assert first["handoff"]["matched"] == 0 and first["access"]["failed_count"] == 0
    assert [(w["method"], w["path"].rsplit("/", 1)[-1]) for w in standin.writes()][-1] == ("POST", "lock")
    standin.clear_log()
    again = connect_module("connect_user_offboard", user="wendy")
    assert not again["changed"] and not again["locked"] and standin.writes() == []
