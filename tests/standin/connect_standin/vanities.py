"""Vanity URL endpoints (posit-vanity-urls-api-openapi.yml).

Paths are normalised with a leading and trailing slash; they hold letters,
digits, '-', '_' and '/'; reserved prefixes and an ancestor or descendant of
another item's path are refused (400 ProhibitedVanityPath); a path another item
holds is refused (409 VanityPathInUse) unless `force` is true and the user may
edit both items. Publishers may manage the vanity URLs of items they can edit
(Authorization.PublishersCanManageVanities, true by default); listing every
vanity URL needs an administrator.
"""

import re

from .errors import APIError, bad_request, forbidden, not_found
from .model import GUID, fmt_time

PATH_RE = re.compile(r"^[A-Za-z0-9_/-]+$")
RESERVED = ("/__", "/favicon.ico", "/connect", "/apps", "/users", "/groups", "/setpassword", "/user-completion",
            "/confirm", "/recent", "/reports", "/plots", "/unpublished", "/settings", "/metrics", "/tokens", "/help",
            "/login", "/welcome", "/register", "/resetpassword", "/content")


def normalise(path):
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def vanity_out(state, guid):
    return {"content_guid": guid, "path": state.vanity_urls[guid],
            "created_time": fmt_time(state.content[guid]["created_time"])}


def get_vanity(req, guid):
    item = req.state.find_content(req.user, guid)
    if item["guid"] not in req.state.vanity_urls:
        raise not_found("This content item has no vanity URL.")
    return 200, vanity_out(req.state, item["guid"])


def set_vanity(req, guid):
    state = req.state
    item = req.state.find_editable(req.user, guid)
    body = req.json()
    if not isinstance(body, dict) or set(body) - {"path", "force"} or not isinstance(body.get("path"), str) \
            or not isinstance(body.get("force", False), bool):
        raise bad_request("InvalidJson", "The request body must be a VanityInput object (path, force).")
    path = normalise(body["path"])
    if path == "/" or not PATH_RE.match(path):
        raise bad_request("ProhibitedVanityPath",
                          f"The vanity path {path!r} is not allowed: use letters, digits, '-', '_' and '/'.")
    lowered = path.lower()
    for prefix in RESERVED:
        if lowered == prefix + "/" or lowered.startswith(prefix + ("" if prefix == "/__" else "/")):
            raise bad_request("ProhibitedVanityPath", f"The vanity path {path!r} uses the reserved prefix {prefix!r}.")
    for other, taken in state.vanity_urls.items():
        if other == item["guid"]:
            continue
        if taken == path:
            if not body.get("force"):
                raise APIError(409, "VanityPathInUse", f"The vanity path {path!r} is already in use.")
            if not state.can_edit(req.user, state.content[other]):
                raise forbidden("Reassigning a vanity URL needs edit rights on both content items.")
        elif taken.startswith(path) or path.startswith(taken):
            raise bad_request("ProhibitedVanityPath",
                              f"The vanity path {path!r} is an ancestor or descendant of the existing path {taken!r}.")
    for other in [g for g, taken in state.vanity_urls.items() if taken == path]:
        del state.vanity_urls[other]
    state.vanity_urls[item["guid"]] = path
    state.record(req.user, "add_vanity_url", f"Set the vanity URL of content {item['name']} to {path}")
    return 200, vanity_out(state, item["guid"])


def delete_vanity(req, guid):
    item = req.state.find_editable(req.user, guid)
    req.state.vanity_urls.pop(item["guid"], None)
    return 204, None


def list_vanities(req):
    if req.user["user_role"] != "administrator":
        raise forbidden()
    return 200, [vanity_out(req.state, guid) for guid in req.state.vanity_urls]


ROUTES = [
    ("GET", rf"/v1/content/{GUID}/vanity", get_vanity, {}),
    ("PUT", rf"/v1/content/{GUID}/vanity", set_vanity, {}),
    ("DELETE", rf"/v1/content/{GUID}/vanity", delete_vanity, {}),
    ("GET", r"/v1/vanities", list_vanities, {}),
]
