"""module_utils/files/bundle.py: reproducible packing, excludes, and the checks of a given archive."""

import gzip
import hashlib
import io
import os
import tarfile
import time

import pytest

from ansible_collections.posit.connect.plugins.module_utils.files.bundle import hash_archive, pack, prepare_bundle
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError


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


SECRETS = {".env": "API_TOKEN=s3cret", ".env.local": "X=1", ".Renviron": "GITHUB_PAT=ghp_x", ".Rhistory": "key <- 'x'",
           ".ssh/id_rsa": "-----BEGIN OPENSSH PRIVATE KEY-----", "app.py~": "old", "sub/notes.txt~": "old",
           ".svn/entries": "x", ".venv/lib/site.py": "x", "venv/lib/site.py": "x", "pyenv/pyvenv.cfg": "home = /usr",
           "pyenv/lib/x.py": "x", "renv/library/x": "x", "rsconnect-python/app.json": "{}", "packrat/packrat.lock": "x"}


def secret_tree(root):
    for name, text in dict(SECRETS, **{"manifest.json": '{"version": 1}', "app.py": "print(1)\n",
                                       "sub/data.csv": "x\n"}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def names(packed):
    with tarfile.open(packed["path"], "r:gz") as tar:
        return tar.getnames()


def test_secrets_virtualenvs_and_backups_are_left_out_unless_the_defaults_are_replaced(tmp_path):
    tree = secret_tree(tmp_path / "t")
    assert names(prepare_bundle(str(tree))) == ["app.py", "manifest.json", "sub/data.csv"]
    assert names(prepare_bundle(str(tree), ["sub"])) == ["app.py", "manifest.json"]
    replaced = names(prepare_bundle(str(tree), ["*.csv"], defaults=False))
    assert ".env" in replaced and ".ssh/id_rsa" in replaced and "sub/data.csv" not in replaced


def test_a_manifest_listing_its_files_packs_exactly_those(tmp_path):
    tree = secret_tree(tmp_path / "t")
    (tree / "manifest.json").write_text('{"version": 1, "files": {"app.py": {"checksum": "x"}, '
                                        '"sub/data.csv": {"checksum": "y"}}}')
    assert names(prepare_bundle(str(tree))) == ["app.py", "manifest.json", "sub/data.csv"]
    (tree / "manifest.json").write_text('{"version": 1, "files": {"../outside.txt": {}}}')
    with pytest.raises(InputError, match=r"Option 'bundle': .*manifest\.json lists '\.\./outside\.txt', outside"):
        prepare_bundle(str(tree))
    (tree / "manifest.json").write_text('{"version": 1, "files": {"gone.py": {}}}')
    with pytest.raises(InputError, match=r"lists gone\.py, which is not in"):
        prepare_bundle(str(tree))


def test_links_out_of_the_directory_broken_links_and_special_files_fail_naming_the_path(tmp_path):
    outside = tmp_path / "private.txt"
    outside.write_text("not for Connect")
    tree = secret_tree(tmp_path / "t")
    os.symlink("app.py", str(tree / "alias.py"))  # inside: packed as the file it points to
    assert names(prepare_bundle(str(tree)))[0:2] == ["alias.py", "app.py"]
    os.symlink(str(outside), str(tree / "sub" / "leak.txt"))
    with pytest.raises(InputError, match=r"Option 'items\[1\]\.bundle': .*/sub/leak\.txt is a symbolic link to "
                                         r".*private\.txt, outside .*'exclude'"):
        prepare_bundle(str(tree), option="items[1].bundle")
    assert names(prepare_bundle(str(tree), ["leak.txt"]))  # left out: fine
    os.unlink(str(tree / "sub" / "leak.txt"))
    os.symlink(str(tmp_path), str(tree / "up"))  # a directory link to outside
    with pytest.raises(InputError, match=r"/up is a symbolic link to .*, outside"):
        prepare_bundle(str(tree))
    os.unlink(str(tree / "up"))
    os.symlink("no-such-file", str(tree / "broken"))
    with pytest.raises(InputError, match=r"/broken is a broken symbolic link \(to no-such-file"):
        prepare_bundle(str(tree))
    os.unlink(str(tree / "broken"))
    os.mkfifo(str(tree / "pipe"))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"/pipe is a FIFO \(named pipe\), which a bundle cannot hold"):
        prepare_bundle(str(tree))
    assert time.monotonic() - started < 5
