# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bundles: packing a directory into a reproducible .tar.gz and hashing an archive.

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

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.files.export import hash_file

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
