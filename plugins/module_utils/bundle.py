# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bundles: packing a directory into a reproducible .tar.gz, hashing an archive, and describing Connect's bundles.

The same files always give the same bytes (so the same archive_sha1, which is
how connect_deploy sees that nothing changed): entries sorted by path, mtime 0,
owner and group 0 with no names, modes 0644 (0755 for directories and
executable files), the gzip header's mtime 0 and no file name. Archives are
written to a temporary file and hashed as they are written, never held in
memory. Nothing here depends on AnsibleModule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import fnmatch
import gzip
import hashlib
import json
import os
import posixpath
import stat
import tarfile
import tempfile

from ansible_collections.posit.connect.plugins.module_utils.content import list_content, pick_by_name, require_content
from ansible_collections.posit.connect.plugins.module_utils.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.export import check_dest, file_sha1, hash_file, write_beside
from ansible_collections.posit.connect.plugins.module_utils.principals import require_user

# What Posit's publishing tools leave out of a bundle (rsconnect-python's and rsconnect's directories_ignore_list),
# and the secrets and clutter rsconnect-python also keeps out: environment files, R's history and environment,
# SSH keys, virtualenvs and editor backups. connect_deploy's exclude_defaults and exclude options.
DEFAULT_EXCLUDES = (".git", ".svn", ".hg", ".Rproj.user", "__pycache__", "packrat", "renv", "rsconnect",
                    "rsconnect-python", ".env*", ".Renviron", ".Rhistory", ".ssh", ".venv", "venv", "*~")
VIRTUALENV_MARKER = "pyvenv.cfg"  # a directory holding it is a virtualenv, whatever its name (left out by default)


class _HashingWriter:
    """A file wrapper that hashes (sha1, md5) and counts what is written through it."""

    def __init__(self, raw):
        self.raw = raw
        self.sha1 = hashlib.sha1()
        self.md5 = hashlib.md5()
        self.size = 0

    def write(self, data):
        self.sha1.update(data)
        self.md5.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self):
        self.raw.flush()


def _excluded(relative, patterns):
    parts = relative.split("/")
    return any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(parts[-1], pattern)
               or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*") for pattern in patterns)


def _kind(mode):
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def checked(directory, relative, option, is_dir=False):
    """The absolute path of an entry of the directory to pack, once it is known to stay inside it.

    A symbolic link must resolve inside the directory (a link to a file elsewhere would upload that file) and
    to something that exists; a file must be a regular file (a FIFO would block the packing forever, a device
    has no end). Otherwise an InputError names the path and the fix, before any request."""
    path = os.path.join(directory, relative)
    fix = "or leave it out with the option 'exclude'"
    if os.path.islink(path):
        target = os.path.realpath(path)
        root = os.path.realpath(directory)
        if not os.path.exists(target):
            raise InputError("Option '%s': %s is a broken symbolic link (to %s, which does not exist). Remove it, %s."
                             % (option, path, os.readlink(path), fix))
        if os.path.commonpath([root, target]) != root:
            raise InputError("Option '%s': %s is a symbolic link to %s, outside %s, which would upload a file from "
                             "elsewhere. Copy what it points to into the directory, %s."
                             % (option, path, target, directory, fix))
    if is_dir:
        return path
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError("Option '%s': %s cannot be read (%s)." % (option, path, exc.strerror))
    if not stat.S_ISREG(mode):
        raise InputError("Option '%s': %s is %s, which a bundle cannot hold. Remove it, %s."
                         % (option, path, _kind(mode), fix))
    return path


def files_of(directory, exclude=(), option="bundle"):
    """The (relative path, absolute path) of every file to pack, sorted; excluded directories are not entered.

    Symbolic links to directories are checked (see `checked`) but not entered."""
    found = []
    for root, dirs, files in os.walk(directory, followlinks=False):
        relative_root = os.path.relpath(root, directory)
        relative_root = "" if relative_root == "." else relative_root.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if not _excluded(relative_root + d, exclude)
                   and not (VIRTUALENV_MARKER in exclude and os.path.isfile(os.path.join(root, d, VIRTUALENV_MARKER)))]
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                checked(directory, relative_root + name, option, is_dir=True)
        for name in files:
            relative = relative_root + name
            if not _excluded(relative, exclude):
                found.append((relative, checked(directory, relative, option)))
    return sorted(found)


def manifest_files(directory, option="bundle"):
    """The files that the directory's manifest.json lists (its `files`), or None when it lists none."""
    path = os.path.join(directory, "manifest.json")
    try:
        with open(checked(directory, "manifest.json", option), "rb") as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
    except ValueError as exc:
        raise InputError("Option '%s': %s is not valid JSON (%s). Write it again (for example with "
                         "`rsconnect write-manifest`)." % (option, path, exc))
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not listed or not isinstance(listed, dict):
        return None
    found = {"manifest.json": os.path.join(directory, "manifest.json")}
    for name in listed:
        relative = posixpath.normpath(str(name).replace(os.sep, "/"))
        if posixpath.isabs(relative) or relative == ".." or relative.startswith("../"):
            raise InputError("Option '%s': %s lists %r, outside the directory. List paths relative to it."
                             % (option, path, name))
        if not os.path.lexists(os.path.join(directory, relative)):
            raise InputError("Option '%s': %s lists %s, which is not in %s. Write the manifest again, or add the file."
                             % (option, path, relative, directory))
        found[relative] = checked(directory, relative, option)
    return sorted(found.items())


def _temporary(suffix=".tar.gz"):
    handle, path = tempfile.mkstemp(prefix="connect-bundle-", suffix=suffix)
    os.close(handle)
    atexit.register(_remove, path)
    return path


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def pack(directory, exclude=(), option="bundle", defaults=True):
    """Pack a directory holding manifest.json into a reproducible .tar.gz in a temporary file: the files its
    manifest lists, as Posit's publishing tools do, or else every file but those `exclude` matches.

    `exclude`: glob patterns, added to DEFAULT_EXCLUDES and virtualenvs unless `defaults` is false.
    Returns dict(path, sha1, md5, size, files); the file is removed when the process exits.
    """
    exclude = excludes(exclude, defaults)
    if not os.path.lexists(os.path.join(directory, "manifest.json")):
        raise InputError("Option '%s': the directory %s holds no manifest.json. Create one (for example with "
                         "`rsconnect write-manifest`), or give a .tar.gz bundle." % (option, directory))
    entries = manifest_files(directory, option) or files_of(directory, exclude, option)
    path = _temporary()
    with open(path, "wb") as raw:
        writer = _HashingWriter(raw)
        with gzip.GzipFile(filename="", mode="wb", fileobj=writer, mtime=0) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for relative, absolute in entries:
                    try:
                        # O_NONBLOCK: a file that became a FIFO since it was checked fails, it does not hang.
                        source = os.fdopen(os.open(absolute, os.O_RDONLY | os.O_NONBLOCK), "rb")
                    except OSError as exc:
                        raise InputError("Option '%s': %s cannot be read (%s)." % (option, absolute, exc.strerror))
                    with source:
                        found = os.fstat(source.fileno())
                        if not stat.S_ISREG(found.st_mode):
                            raise InputError("Option '%s': %s is %s, which a bundle cannot hold. Remove it, or "
                                             "leave it out with the option 'exclude'."
                                             % (option, absolute, _kind(found.st_mode)))
                        info = tarfile.TarInfo(relative)
                        info.size = found.st_size
                        info.mode = 0o755 if found.st_mode & stat.S_IXUSR else 0o644
                        info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                        tar.addfile(info, source)
    return dict(path=path, sha1=writer.sha1.hexdigest(), md5=writer.md5.hexdigest(), size=writer.size,
                files=len(entries))


def hash_archive(path, option="bundle"):
    """Check that a file is a .tar.gz holding manifest.json (streamed) and hash it; dict(path, sha1, md5, size)."""
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            found = any(member.name.lstrip("./") == "manifest.json" for member in tar)
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise InputError("Option '%s': %s is not a gzip compressed tar archive (%s). Give a .tar.gz bundle or "
                         "a directory holding manifest.json." % (option, path, exc))
    if not found:
        raise InputError("Option '%s': %s holds no manifest.json at its root, which Connect requires." % (option, path))
    return dict(hash_file(path, ("sha1", "md5")), path=path, files=None)


def excludes(patterns=(), defaults=True):
    """The patterns that leave files out of a packed directory: DEFAULT_EXCLUDES and VIRTUALENV_MARKER (the
    virtualenvs) unless `defaults` is false, then the given ones."""
    return (DEFAULT_EXCLUDES + (VIRTUALENV_MARKER,) if defaults else ()) + tuple(patterns or ())


def prepare_bundle(path, exclude=(), option="bundle", defaults=True):
    """A directory is packed (see pack), a file is checked and hashed; an InputError names the option otherwise."""
    if path is None:
        return None
    if os.path.isdir(path):
        return pack(path, exclude, option, defaults)
    if os.path.isfile(path):
        return hash_archive(path, option)
    raise InputError("Option '%s': %s does not exist; give a directory holding manifest.json or a .tar.gz file."
                     % (option, path))


def bundle_summary(bundle):
    """A Connect Bundle as the modules return it."""
    if not bundle:
        return None
    metadata = bundle.get("metadata") or {}
    return dict(id=bundle.get("id"), content_guid=bundle.get("content_guid"), created_time=bundle.get("created_time"),
                created_by=bundle.get("created_by"), size=bundle.get("size"), active=bundle.get("active"),
                sha1=metadata.get("archive_sha1"), md5=metadata.get("archive_md5"), source=metadata.get("source"),
                source_repo=metadata.get("source_repo"), source_branch=metadata.get("source_branch"),
                source_commit=metadata.get("source_commit"))


def list_bundles(client, guid):
    """Every bundle of an item, newest first (paged by page_number)."""
    found, page = [], 1
    while True:
        batch = client.get("v1/content/%s/bundles" % guid, params={"page_number": page, "page_size": 500}) or []
        found.extend(batch)
        if len(batch) < 500:
            return sorted(found, key=lambda b: int(b.get("id") or 0), reverse=True)
        page += 1


def select_content(client, guid=None, name=None, owner=None):
    """The one existing item chosen by guid, or by name (and owner where names repeat); InputError otherwise."""
    if guid is not None:
        return require_content(client, guid, "guid")
    owner_guid = require_user(client, owner, "owner")["guid"] if owner is not None else None
    found = pick_by_name(list_content(client, name=name, include=["owner"]), name, owner_guid)
    if found is None or (owner_guid is not None and found.get("owner_guid") != owner_guid):
        raise InputError("Option 'name': no content named %r%s (or the API key's user cannot see it)."
                         % (name, " owned by %s" % owner if owner else ""))
    found = dict(found)
    found.pop("owner", None)
    return found


def bundle_info(client, params):
    """connect_bundle_info: the item's bundles, newest first, and with `dest` the active one (or `bundle_id`)
    downloaded, unless the file there already has its sha1."""
    content = select_content(client, params["guid"], params["name"], params["owner"])
    guid = content["guid"]
    if params["bundle_id"] is not None:
        bundles = [bundle_summary(client.get("v1/content/%s/bundles/%s" % (guid, params["bundle_id"])))]
    else:
        bundles = [bundle_summary(b) for b in list_bundles(client, guid)]
    active = next((b for b in bundles if b["active"]), None)
    result = dict(changed=False, bundles=bundles, active=active,
                  content=dict((k, content.get(k)) for k in ("guid", "name", "title", "bundle_id")))
    dest = params["dest"]
    if dest is None:
        return result
    chosen = bundles[0] if params["bundle_id"] is not None else active
    if chosen is None:
        raise InputError("Option 'dest': content %s (%s) has no active bundle to download; give 'bundle_id'."
                         % (guid, content.get("name")))
    check_dest(dest, example="bundle.tar.gz")
    fresh = chosen["sha1"] is None or file_sha1(dest) != chosen["sha1"]
    if fresh:
        write_beside(dest, lambda out: client.download("v1/content/%s/bundles/%s/download" % (guid, chosen["id"]), out))
    return dict(result, dest=dest, downloaded=fresh)
