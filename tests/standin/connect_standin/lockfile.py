"""The Python lockfile of a content item's active bundle: ``GET /v1/content/{guid}/lockfile`` (the content
document), from Connect 2025.12.0 (the SDK's ``@requires``; 404 code 4 before).

It answers ``text/plain`` with a ``Generated-By: connect; python=<version>`` header (what Posit's SDK reads).
The lines are the bundle's own package file (``manifest.json``'s ``python.package_manager.package_file``,
default ``requirements.txt``) for an uploaded bundle, else ``name==version`` of the item's seeded Python
packages. Owners, collaborators and administrators only (403); never deployed: 404; no Python, or an
environment the item manages itself (``py_environment_management`` false): 400 code 2 (the reference names
no code).
"""

import gzip
import io
import tarfile

from . import bundles
from .errors import bad_request, not_found
from .model import GUID

LOCKFILE_SINCE = (2025, 12, 0)


class Lockfile(bytes):
    """The answer: text with its own header."""
    content_type = "text/plain; charset=utf-8"
    headers = ()


def _package_file(archive, name):
    """The text of one file at the root of a .tar.gz bundle, or None."""
    try:
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive)), mode="r:") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.lstrip("./") == name:
                    return tar.extractfile(member).read().decode("utf-8", "replace")
    except (OSError, EOFError, tarfile.TarError):
        return None
    return None


def get_lockfile(req, guid):
    item = bundles._item(req, guid, edit=True)
    if not item["bundle_id"]:
        raise not_found("The content item has no active bundle.")
    bundle = bundles._find_bundle(req.state, item, item["bundle_id"])
    python = bundle["manifest"].get("python")
    python = python if isinstance(python, dict) else {}
    version = python.get("version") if isinstance(python.get("version"), str) else item["py_version"]
    if not version:
        raise bad_request("BadRequest", "The content item does not use Python.")
    if item["py_environment_management"] is False:
        raise bad_request("BadRequest", "Connect does not manage the Python environment of this content item.")
    text = None
    if bundle["archive"] is not None:
        manager = python.get("package_manager") if isinstance(python.get("package_manager"), dict) else {}
        name = manager.get("package_file") if isinstance(manager.get("package_file"), str) else "requirements.txt"
        text = _package_file(bundle["archive"], name)
    if text is None:
        rows = sorted((p for p in req.state.packages.get(item["guid"], []) if p["language"] == "python"),
                      key=lambda p: p["name"].lower())
        text = "".join(f"{p['name']}=={p['version']}\n" for p in rows)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    body = Lockfile(("".join(line + "\n" for line in lines)).encode())
    body.headers = (("Generated-By", f"connect; python={version}"),)
    return 200, body


ROUTES = [
    ("GET", rf"/v1/content/{GUID}/lockfile", get_lockfile, {"since": LOCKFILE_SINCE}),
]
