"""Tag endpoints (posit-tags-api-openapi.yml): the tag tree and the tags of content items.

Rules: only administrators create, rename and delete tags; names are 1 to 255
characters and unique under one parent (409 NoDuplicateTagNames); deleting a
tag deletes its descendants and untags content. Tagging content needs edit
rights on it; a top-level tag (a category) cannot be added to content, and
adding a tag adds its ancestors below the category; removing one removes its
descendants from the item.
"""

import time

from .errors import APIError, bad_request, forbidden, not_found
from .model import GUID, fmt_time

TAG = r"(?P<tag_id>[^/]+)"


def _admin(req):
    if req.user["user_role"] != "administrator":
        raise forbidden()


def find_tag(state, tag_id):
    """By id, or by a comma-delimited path of names from the category down."""
    if str(tag_id).isdigit():
        tag = state.tags.get(str(int(tag_id)))
    else:
        tag, parent = None, None
        for name in str(tag_id).split(","):
            tag = next((t for t in state.tags.values() if t["name"] == name and t["parent_id"] == parent), None)
            if tag is None:
                break
            parent = tag["id"]
    if tag is None:
        raise not_found("The requested tag does not exist.")
    return tag


def descendants(state, tag_id):
    """The ids of a tag and everything below it."""
    found, todo = set(), [tag_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(t["id"] for t in state.tags.values() if t["parent_id"] == current)
    return found


def _tag_input(req, tag=None):
    body = req.json()
    if not isinstance(body, dict) or set(body) - {"name", "parent_id"}:
        raise bad_request("InvalidJson", "The request body must be a TagInput object (name, parent_id).")
    state = req.state
    name = body.get("name", tag["name"] if tag else None)
    parent = body.get("parent_id", tag["parent_id"] if tag else None)
    if not isinstance(name, str) or not name.strip():
        raise bad_request("NoEmptyTagName", "The tag name cannot be empty.")
    if len(name) > 255:
        raise bad_request("NoLongTagName", "The tag name cannot be longer than 255 characters.")
    if parent is not None:
        parent = str(parent)
        if parent not in state.tags or (tag is not None and parent in descendants(state, tag["id"])):
            raise bad_request("InvalidParentTag", f"The parent tag {parent!r} does not exist or is not allowed.")
    for other in state.tags.values():
        if other["name"] == name and other["parent_id"] == parent and (tag is None or other["id"] != tag["id"]):
            raise APIError(409, "NoDuplicateTagNames", f"A tag named {name!r} already exists under this parent.")
    return name, parent


def create_tag(req):
    _admin(req)
    name, parent = _tag_input(req)
    tag = req.state.add_tag(name, parent, created=int(time.time()))
    req.state.record(req.user, "add_tag", f"Added tag {name}")
    return 200, dict(tag)


def get_tag(req, tag_id):
    return 200, dict(find_tag(req.state, tag_id))


def update_tag(req, tag_id):
    _admin(req)
    tag = find_tag(req.state, tag_id)
    name, parent = _tag_input(req, tag)
    tag.update(name=name, parent_id=parent, updated_time=fmt_time(int(time.time())))
    return 200, dict(tag)


def delete_tag(req, tag_id):
    _admin(req)
    state = req.state
    gone = descendants(state, find_tag(state, tag_id)["id"])
    for ids in state.content_tags.values():
        ids[:] = [t for t in ids if t not in gone]
    for one in gone:
        del state.tags[one]
    return 204, None


def tag_content(req, tag_id):
    state = req.state
    tag = find_tag(state, tag_id)
    return 200, [state.content_out(c, req.user, req.base_url, version=req.settings["version_tuple"]) for c in state.visible_content(req.user)
                 if tag["id"] in state.content_tags.get(c["guid"], [])]


def add_content_tag(req, guid):
    state = req.state
    item = req.state.find_editable(req.user, guid)
    body = req.json()
    if not isinstance(body, dict) or set(body) != {"tag_id"} or not isinstance(body["tag_id"], str):
        raise bad_request("InvalidJson", "The request body must be a ContentTagInput object (tag_id).")
    tag = state.tags.get(body["tag_id"])
    if tag is None:
        raise bad_request("InvalidTag", f"The tag {body['tag_id']!r} does not exist.")
    if tag["parent_id"] is None:
        raise bad_request("InvalidTag", f"The tag {tag['name']!r} is a category; categories cannot be added to content.")
    ids = state.content_tags.setdefault(item["guid"], [])
    while tag["parent_id"] is not None:  # the tag and its ancestors below the category
        if tag["id"] not in ids:
            ids.append(tag["id"])
        tag = state.tags[tag["parent_id"]]
    return 200, None


def remove_content_tag(req, guid, tag_id):
    state = req.state
    item = req.state.find_editable(req.user, guid)
    gone = descendants(state, find_tag(state, tag_id)["id"])
    ids = state.content_tags.get(item["guid"], [])
    ids[:] = [t for t in ids if t not in gone]
    return 200, None


ROUTES = [
    ("POST", r"/v1/tags", create_tag, {}),
    ("GET", rf"/v1/tags/{TAG}", get_tag, {}),
    ("PATCH", rf"/v1/tags/{TAG}", update_tag, {}),
    ("DELETE", rf"/v1/tags/{TAG}", delete_tag, {}),
    ("GET", rf"/v1/tags/{TAG}/content", tag_content, {}),
    ("POST", rf"/v1/content/{GUID}/tags", add_content_tag, {}),
    ("DELETE", rf"/v1/content/{GUID}/tags/{TAG}", remove_content_tag, {}),
]
