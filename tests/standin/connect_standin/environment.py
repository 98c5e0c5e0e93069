"""Content environment variables (posit-content-api-openapi.yml, /v1/content/{guid}/environment).

Connect answers only the names, never the values. PATCH sets the listed
names (a null value deletes one); PUT replaces them all. Needs edit rights on
the item; an empty or repeated name is refused.
"""

from .errors import bad_request
from .jobs import end_processes
from .model import GUID


def _names(req, item):
    return sorted(req.state.environments.get(item["guid"], {}))


def _body(req):
    body = req.json()
    if not isinstance(body, list):
        raise bad_request("InvalidJson", "The request body must be a list of {name, value} objects.")
    seen = set()
    for entry in body:
        if not isinstance(entry, dict) or set(entry) - {"name", "value"} or not isinstance(entry.get("name"), str) \
                or not isinstance(entry.get("value"), (str, type(None))):
            raise bad_request("InvalidJson", "Each environment variable must be {name: string, value: string or null}.")
        if not entry["name"]:
            raise bad_request("EmptyEnvironmentVariableName", "An environment variable name cannot be empty.")
        if entry["name"] in seen:
            raise bad_request("DuplicateEnvironmentVariable", f"The environment variable {entry['name']!r} is repeated.")
        seen.add(entry["name"])
    return body


def get_environment(req, guid):
    return 200, _names(req, req.state.find_editable(req.user, guid))


def update_environment(req, guid, replace=False):
    item = req.state.find_editable(req.user, guid)
    body = _body(req)
    env = {} if replace else dict(req.state.environments.get(item["guid"], {}))
    for entry in body:
        if entry.get("value") is None:
            env.pop(entry["name"], None)
        else:
            env[entry["name"]] = entry["value"]
    req.state.environments[item["guid"]] = env
    end_processes(req.state, item)  # Connect restarts the item's processes
    return 200, _names(req, item)


def set_environment(req, guid):
    return update_environment(req, guid, replace=True)


ROUTES = [
    ("GET", rf"/v1/content/{GUID}/environment", get_environment, {}),
    ("PATCH", rf"/v1/content/{GUID}/environment", update_environment, {}),
    ("PUT", rf"/v1/content/{GUID}/environment", set_environment, {}),
]
