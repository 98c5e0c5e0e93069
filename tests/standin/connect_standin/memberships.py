"""Group membership writes: ``POST /v1/groups/{group_guid}/members`` (add a user to a group).

Administrators may change any group, other users only the groups they own (as the reference says). An
unknown group or user is a 404; a user who is already a member is a 409 (the reference lists 409 for a
conflict without naming its code; the stand-in answers code 2, BadRequest). Each addition is recorded in the
audit log as ``add_group_member``, as Connect does.
"""

from .errors import APIError, bad_request, forbidden, not_found
from .model import check_guid, describe_user


def add_group_member(req, group_guid):
    state = req.state
    group = state.groups.get(check_guid(group_guid))
    if group is None:
        raise not_found()
    if req.user["user_role"] != "administrator" and group["owner_guid"] != req.user["guid"]:
        raise forbidden()
    body = req.json()
    if not isinstance(body, dict) or set(body) - {"user_guid"} or not isinstance(body.get("user_guid"), str):
        raise bad_request("InvalidJson", 'The request body must be {"user_guid": "<guid>"}.')
    user = state.users.get(check_guid(body["user_guid"]))
    if user is None:
        raise not_found("The user does not exist.")
    if user["guid"] in state.members[group["guid"]]:
        raise APIError(409, "BadRequest", "The user is already a member of this group.")
    state.members[group["guid"]].append(user["guid"])
    state.record(req.user, "add_group_member", f"Added user {describe_user(user)} to group {group['name']}")
    return 204, None


ROUTES = [
    ("POST", r"/v1/groups/(?P<group_guid>[^/]+)/members", add_group_member, {}),
]
