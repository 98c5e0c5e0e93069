"""module_utils/bundle.py: reproducible packing, excludes, and the checks of a given archive."""

import gzip
import hashlib
import io
import os
import tarfile

import pytest

from ansible_collections.posit.connect.plugins.module_utils.bundle import hash_archive, pack, prepare_bundle
from ansible_collections.posit.connect.plugins.module_utils.errors import InputError


def make_tree(root, mtime):
    files = {"manifest.json": '{"version": 1}', "app.py": "print('hi')\n", "data/b.csv": "x\n1\n",
             "data/a.csv": "x\n2\n", "run.sh": "#!/bin/sh\n", ".git/HEAD": "ref", "pkg/__pycache__/m.pyc": "x",
             ".Rproj.user/state": "x", "debug.log": "noise", "data/raw/big.bin": "zzz"}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (mtime, mtime))
    os.chmod(root / "run.sh", 0o750)
    os.chmod(root / "app.py", 0o600)
    return root


def test_the_same_files_give_the_same_bytes(tmp_path):
    first = pack(str(make_tree(tmp_path / "one", 1_000_000)), ["*.log", "data/raw"])
    second = pack(str(make_tree(tmp_path / "two", 2_000_000)), ["*.log", "data/raw"])
    one, two = open(first["path"], "rb").read(), open(second["path"], "rb").read()
    assert one == two and first["sha1"] == second["sha1"] == hashlib.sha1(one).hexdigest()
    assert first["md5"] == hashlib.md5(one).hexdigest() and first["size"] == len(one)
    assert one[4:8] == b"\0\0\0\0"  # the gzip header's mtime
    with tarfile.open(first["path"], "r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ["app.py", "data/a.csv", "data/b.csv", "manifest.json", "run.sh"]
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, 0, "", "")}
    assert {m.name: m.mode for m in members}["run.sh"] == 0o755
    assert {m.name: m.mode for m in members}["app.py"] == 0o644


def test_a_changed_file_changes_the_hash(tmp_path):
    tree = make_tree(tmp_path / "t", 1)
    before = pack(str(tree))["sha1"]
    (tree / "app.py").write_text("print('bye')\n")
    assert pack(str(tree))["sha1"] != before


def test_a_directory_without_manifest_fails_naming_the_option(tmp_path):
    (tmp_path / "app.py").write_text("x")
    with pytest.raises(InputError, match=r"Option 'items\[2\]\.bundle'.*manifest\.json"):
        prepare_bundle(str(tmp_path), [], "items[2].bundle")
    with pytest.raises(InputError, match="does not exist"):
        prepare_bundle(str(tmp_path / "nope"))


def test_a_given_archive_is_checked_and_hashed(tmp_path):
    packed = pack(str(make_tree(tmp_path / "t", 1)))
    assert hash_archive(packed["path"]) == dict(packed, files=None)
    (tmp_path / "x.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(InputError, match="not a gzip compressed tar"):
        prepare_bundle(str(tmp_path / "x.tar.gz"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("app.py")
        tar.addfile(info, io.BytesIO(b""))
    (tmp_path / "y.tar.gz").write_bytes(gzip.compress(buffer.getvalue()))
    with pytest.raises(InputError, match="no manifest.json"):
        prepare_bundle(str(tmp_path / "y.tar.gz"))
