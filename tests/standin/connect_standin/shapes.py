"""Which keys an answer carries: fields that older Connect versions lack, and ``--sparse`` mode.

* ``SINCE``: fields the reference declares that real recorded answers lack.  The reference names no
  versions, so each field has the version from which the stand-in sends it and the evidence for it.
  Below that version the stand-in leaves the key out (``present(kind, field, version)``).
* Sparse mode (``StandIn(sparse=True)``, ``--sparse``): an answer of an endpoint that has real recordings
  (tests/fixtures/connect-api/fixtures/posit-sdk-py/__api__) carries only the keys that every recording of
  that endpoint carries, at every level (``prune``); endpoints with no recording answer in full.  A test can
  so show that the collection copes with a Connect that sends the least it has been seen to send.
"""

import json
import re
import threading
from pathlib import Path

# The first release after the newest recording that lacks the field (the groups recordings come from
# Connect 2024.08 and 2025.04; the content, bundle and repository recordings carry no version).
AFTER_RECORDINGS = (2025, 5, 0)
_RECORDINGS_LACK = "real recordings (up to Connect 2025.04) lack it; the reference names no version"

# kind -> {field: (first version that sends it, evidence)}
SINCE = {
    "group": {"member_count": (AFTER_RECORDINGS, _RECORDINGS_LACK)},
    "content": {
        "locked": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "locked_message": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "default_environment_guid": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "environment_guid": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "node_version": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "metrics_collection_enabled": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "notify_on_share": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "otel_enabled": ((2026, 2, 0), "Connect's OpenTelemetry guide: Posit Connect 2026.02.0 or later"),
        "vanity_url": ((2024, 6, 0), "posit-sdk: include=vanity_url applies to Connect 2024.06.0 and later"),
    },
    "bundle": {
        "created_by": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "environment_guid": (AFTER_RECORDINGS, _RECORDINGS_LACK),
    },
    "package": {field: (AFTER_RECORDINGS, _RECORDINGS_LACK) for field in (
        "language_version", "hash", "bundle_id", "app_id", "app_guid", "content_id", "content_guid")},
    "visit": {"user_agent": (AFTER_RECORDINGS, _RECORDINGS_LACK)},
    "repository": {
        "last_error": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "last_known_commit": (AFTER_RECORDINGS, _RECORDINGS_LACK),
        "last_fetched_time": (AFTER_RECORDINGS, _RECORDINGS_LACK),
    },
}


def present(kind, field, version):
    """Whether a server of this version (a tuple; None: the newest) sends `field` in a `kind` object."""
    since = SINCE.get(kind, {}).get(field)
    return since is None or version is None or version >= since[0]


def gate(kind, out, version):
    """`out` (a fresh dict) without the fields a server of this version does not send."""
    for field in SINCE.get(kind, ()):
        if not present(kind, field, version):
            out.pop(field, None)
    return out


# ------------------------------------------------------------------ sparse
RECORDINGS = Path(__file__).resolve().parents[2] / "fixtures" / "connect-api" / "fixtures" / "posit-sdk-py" / "__api__"
# Recordings whose file name is not the GET answer of the path it spells.
NOT_GET_ANSWERS = {
    "v1/groups/groups.json": "a copy of the GET /v1/groups list, not a group",
    "v1/tags/33-patched.json": "a PATCH answer",
    "v1/content/f2f37341-e21d-3d80-c698-a935ad614066/repository_patch.json": "a PATCH answer",
    "v1/content/f2f37341-e21d-3d80-c698-a935ad614066/tag-add.json": "a POST answer",
}
LEAF = None  # a shape that constrains nothing (a scalar, null, an empty list)


def load_recording(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonc":
        text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    return json.loads(text)


def shape_of(value):
    """The keys a value carries at every level: {key: shape} for an object, ("list", shape) for a list."""
    if isinstance(value, dict):
        return {key: shape_of(item) for key, item in value.items()}
    if isinstance(value, list):
        shape = LEAF
        for index, item in enumerate(value):
            shape = shape_of(item) if index == 0 else common(shape, shape_of(item))
        return ("list", shape) if value else LEAF
    return LEAF


def common(one, other):
    """The keys both shapes carry (LEAF constrains nothing)."""
    if one is LEAF:
        return other
    if other is LEAF:
        return one
    if isinstance(one, dict) and isinstance(other, dict):
        return {key: common(one[key], other[key]) for key in one if key in other}
    if isinstance(one, tuple) and isinstance(other, tuple):
        return ("list", common(one[1], other[1]))
    return LEAF  # an object in one recording, a list in another: no constraint


def recorded_shapes(compiled_routes):
    """{route regex pattern: the shape every recording of that GET route carries}."""
    shapes = {}
    for path in sorted(RECORDINGS.rglob("*.json*")):
        relative = path.relative_to(RECORDINGS).as_posix()
        if relative in NOT_GET_ANSWERS:
            continue
        api_path = "/__api__/" + re.sub(r"\.jsonc?$", "", relative).split("@")[0]
        for method, pattern, _handler, _options in compiled_routes:
            if method == "GET" and pattern.match(api_path):
                shape = shape_of(load_recording(path))
                key = pattern.pattern
                shapes[key] = shape if key not in shapes else common(shapes[key], shape)
                break
    return shapes


def prune(value, shape):
    """`value` with only the keys `shape` allows (LEAF: all)."""
    if shape is LEAF:
        return value
    if isinstance(value, dict) and isinstance(shape, dict):
        return {key: prune(item, shape[key]) for key, item in value.items() if key in shape}
    if isinstance(value, list) and isinstance(shape, tuple):
        return [prune(item, shape[1]) for item in value]
    return value


_CACHE = {}
_CACHE_LOCK = threading.Lock()


def sparse(pattern, payload, compiled_routes):
    """The payload of a GET answer of this route, as sparse mode sends it."""
    with _CACHE_LOCK:
        if "shapes" not in _CACHE:
            _CACHE["shapes"] = recorded_shapes(compiled_routes)
    return prune(payload, _CACHE["shapes"].get(pattern.pattern, LEAF))
