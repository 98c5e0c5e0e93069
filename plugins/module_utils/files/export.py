# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the modules write: the JSON Lines writer, the checkpointed incremental export, and file hashes.

Bad input raises InputError naming the option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile

from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.files.timeutil import entry_time, parse_rfc3339


def check_dest(dest, option="dest", example="audit.jsonl"):
    """Raise InputError unless dest's directory exists and is writable and dest is not a directory."""
    directory = os.path.dirname(os.path.abspath(dest))
    if os.path.isdir(dest):
        raise InputError("Option '%s': %s is a directory; give a file path such as %s."
                         % (option, dest, os.path.join(dest, example)))
    if not os.path.isdir(directory):
        raise InputError("Option '%s': directory %s does not exist; create it first." % (option, directory))
    if not os.access(directory, os.W_OK):
        raise InputError("Option '%s': directory %s is not writable." % (option, directory))


def write_beside(dest, write):
    """Write dest atomically and privately: write(handle) fills a temporary file (mode 0600) in dest's directory,
    which then replaces dest. A symbolic link planted at dest is replaced, never followed; a failure leaves dest
    as it was."""
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(dest)))
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def linked_error(path, option):
    return InputError("Option '%s': %s is a symbolic link; this file is written in place, so it must be a regular "
                      "file. Remove the link, or give another path." % (option, path))


def open_no_follow(path, flags, option):
    """os.open(path) for writing in place, refusing a symbolic link at path (O_NOFOLLOW): an InputError names
    the option."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise linked_error(path, option)
        raise


def hash_file(path, names=("sha1",)):
    """{name: hex digest, ..., "size": bytes} of a file's content, read in blocks; None when it is not a file."""
    if not os.path.isfile(path):
        return None
    digests, size = [hashlib.new(name) for name in names], 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            for digest in digests:
                digest.update(block)
            size += len(block)
    return dict(zip(names, (digest.hexdigest() for digest in digests)), size=size)


def file_sha1(path):
    """SHA-1 of a file's content, or None when it does not exist."""
    found = hash_file(path)
    return found and found["sha1"]


_LINE_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))  # built once: json.dumps builds one per call


def json_line(entry):
    """One JSON Lines line: keys sorted, compact, every line break and non-ASCII character escaped."""
    return (_LINE_ENCODER.encode(entry) + "\n").encode("utf-8")


class JsonLinesWriter:
    """Streams entries as JSON Lines into a temporary file beside dest (or only hashes them).

    Memory stays flat: each entry is encoded, hashed and written, then dropped.
    `commit(replace)` moves the file over dest only when its content differs.
    """

    def __init__(self, dest, write=True):
        self.dest = os.path.abspath(dest)
        self.count = 0
        self._digest = hashlib.sha1()
        self._handle = None
        self.tmp_path = None
        if write:
            fd, self.tmp_path = tempfile.mkstemp(prefix=".%s." % os.path.basename(self.dest),
                                                 suffix=".tmp", dir=os.path.dirname(self.dest))
            self._handle = os.fdopen(fd, "wb")

    def write_all(self, entries):
        for entry in entries:
            line = json_line(entry)
            self._digest.update(line)
            if self._handle is not None:
                self._handle.write(line)
            self.count += 1
        return self.count

    @property
    def checksum(self):
        return self._digest.hexdigest()

    def changed(self):
        """Whether dest would change: its content differs, or it is a symbolic link (replaced, never read)."""
        return os.path.islink(self.dest) or file_sha1(self.dest) != self.checksum

    def close(self):
        """Close the temporary file; returns its size in bytes."""
        self._handle.close()
        self._handle = None
        return os.path.getsize(self.tmp_path)

    def commit(self, replace=os.replace):
        """Close; move onto dest if the content differs. Returns whether dest changed."""
        changed = self.changed()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            if changed:
                replace(self.tmp_path, self.dest)
                self.tmp_path = None
        self.discard()
        return changed

    def discard(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self.tmp_path and os.path.exists(self.tmp_path):
            os.unlink(self.tmp_path)
        self.tmp_path = None


def export_json_lines(dest, entries, check_mode=False):
    """Write entries to dest as JSON Lines (one object per line, keys sorted), replacing dest only when its content
    differs; in check mode only count and hash them. Streams: memory stays flat however many entries come.

    Returns the module result fields: changed, count, dest (absolute), checksum (SHA-1 of the content)."""
    writer = JsonLinesWriter(dest, write=not check_mode)
    try:
        writer.write_all(entries)
        changed = writer.changed() if check_mode else writer.commit()
    finally:
        writer.discard()
    return dict(changed=changed, count=writer.count, dest=writer.dest, checksum=writer.checksum)


# -- incremental export ------------------------------------------------------------

CHECKPOINT_VERSION = 1


class AuditCursor:
    """A position in the audit log: the time of the newest entry taken, and the ids taken at that time.

    Connect's `since` is inclusive and entries share timestamps, so the next read asks for entries at or after
    that time and drops the ids already taken: every entry is taken once (the export, the EDA source)."""

    def __init__(self, last_time=None, last_ids=()):
        self.last_time = last_time               # RFC 3339, as the entry carried it
        self.last_ids = set(last_ids or [])

    @property
    def since(self):
        """The position's time (a datetime), or None at the start of the log."""
        return parse_rfc3339(self.last_time) if self.last_time else None

    def taken(self, entry):
        """Whether the entry is at or before the position and was taken already."""
        moment, last = entry_time(entry), self.since
        if moment is None or last is None:
            return False
        return moment < last or (moment == last and str(entry.get("id")) in self.last_ids)

    def take(self, entry):
        """Move the position to an entry (given in log order) that was not taken yet."""
        moment, last = entry_time(entry), self.since
        if moment is None:
            return
        if last is not None and moment == last:
            self.last_ids.add(str(entry.get("id")))
        elif last is None or moment > last:
            self.last_time, self.last_ids = entry.get("time"), set([str(entry.get("id"))])

    def state(self):
        """The position as a checkpoint records it."""
        return dict(last_time=self.last_time, last_ids=sorted(self.last_ids))


class IncrementalExport:
    """Appends to a JSON Lines file only the audit entries newer than the last run's, with no gaps or duplicates.

    The checkpoint file (JSON) records the filters, the size of dest after the last run, the time of the
    newest exported entry and the ids of the entries at that time. The next run asks for entries at or after
    that time (Connect's filters are inclusive), drops the ids already exported, writes the rest to a temporary
    file, appends it to dest (first cutting dest back to the recorded size, so the tail of a run that died
    before updating its checkpoint is not duplicated), then replaces the checkpoint atomically. Runs on the
    same checkpoint are serialized with a lock file beside it.
    """

    def __init__(self, dest, checkpoint, filters, check_mode=False):
        self.check_mode = check_mode  # reads only: no lock file either
        self.dest = os.path.abspath(dest)
        self.checkpoint = os.path.abspath(checkpoint)
        self.filters = filters
        self._lock = None
        self.state = None
        self.cursor = AuditCursor()  # the newest exported entry's time, and the ids at that time

    def __enter__(self):
        if not self.check_mode:
            self._lock = os.fdopen(open_no_follow(self.checkpoint + ".lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                                                  "checkpoint"), "a")
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.state = self._read()
        return self

    def __exit__(self, *exc):
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _read(self):
        if not os.path.exists(self.checkpoint):
            return None
        if os.path.islink(self.dest):  # refused before any request, as the append would follow it
            raise linked_error(self.dest, "dest")
        try:
            with open(self.checkpoint) as handle:
                state = json.load(handle)
            if state.get("version") != CHECKPOINT_VERSION or not isinstance(state.get("size"), int):
                raise ValueError("unknown format")
        except ValueError as exc:
            raise InputError("Option 'checkpoint': %s is not a checkpoint of this module (%s). Delete it to "
                             "export everything again into a new 'dest'." % (self.checkpoint, exc))
        if state.get("filters") != self.filters:
            raise InputError("Option 'checkpoint': %s was written for other filters (%s); these are %s. Use "
                             "another checkpoint and dest for these filters, or delete it to start again."
                             % (self.checkpoint, json.dumps(state.get("filters"), sort_keys=True),
                                json.dumps(self.filters, sort_keys=True)))
        size = os.path.getsize(self.dest) if os.path.exists(self.dest) else None
        if size is not None and size < state["size"]:
            raise InputError("Option 'dest': %s holds %s bytes, fewer than the %s the checkpoint %s recorded: it "
                             "was truncated or replaced. Move it aside (a new file is then started with the new "
                             "entries only), or delete the checkpoint to export everything again."
                             % (self.dest, size, state["size"], self.checkpoint))
        return state

    def since(self, since):
        """The query's `since`: the newest exported time, unless the option's `since` is later."""
        last = parse_rfc3339(self.state["last_time"]) if self.state and self.state.get("last_time") else None
        if last is not None and (since is None or last > since):
            return last
        return since

    def run(self, entries):
        """Write the new entries (count them in check mode); returns the module result fields."""
        state = self.state or {}
        self.cursor = AuditCursor(state.get("last_time"), state.get("last_ids"))
        writer = JsonLinesWriter(self.dest, write=not self.check_mode)
        try:
            writer.write_all(self._new(entries))
            result = dict(changed=writer.count > 0 or self.state is None, count=writer.count, dest=self.dest,
                          checkpoint=self.checkpoint, last_time=self.cursor.last_time,
                          total=state.get("count", 0) + writer.count)
            if self.check_mode:
                return result
            appended = writer.close()
            if self.state is None or not os.path.exists(self.dest):
                os.replace(writer.tmp_path, self.dest)  # the first export, or a new file after dest was moved
                size = appended
            else:
                with os.fdopen(open_no_follow(self.dest, os.O_RDWR, "dest"), "r+b") as out, \
                        open(writer.tmp_path, "rb") as new:
                    out.truncate(self.state["size"])  # drop what a run that died before its checkpoint appended
                    out.seek(0, os.SEEK_END)
                    shutil.copyfileobj(new, out, 1024 * 1024)
                    out.flush()
                    os.fsync(out.fileno())
                size = self.state["size"] + appended
            self._write(dict(version=CHECKPOINT_VERSION, filters=self.filters, dest=self.dest, size=size,
                             count=result["total"], **self.cursor.state()))
            return result
        finally:
            writer.discard()

    def _new(self, entries):
        """The entries (oldest first) not exported yet; the cursor follows them."""
        for entry in entries:
            if self.cursor.taken(entry):
                continue  # exported by an earlier run
            self.cursor.take(entry)
            yield entry

    def _write(self, state):
        write_beside(self.checkpoint, lambda out: out.write(json.dumps(state, indent=1, sort_keys=True).encode("utf-8")))
