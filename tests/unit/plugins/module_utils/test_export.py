"""module_utils/files/export.py: the JSON Lines writer, the destination check, and an export's flat memory."""

import hashlib
import json
import os

import pytest

from ansible_collections.posit.connect.plugins.module_utils.concepts import audit
from ansible_collections.posit.connect.plugins.module_utils.engine import module
from ansible_collections.posit.connect.plugins.module_utils.files import export
from ansible_collections.posit.connect.plugins.module_utils.concepts.audit import AuditQuery
from ansible_collections.posit.connect.plugins.module_utils.api.client import ConnectClient
from ansible_collections.posit.connect.plugins.module_utils.files.export import JsonLinesWriter
from connect_standin import StandIn

OLD_VERSION = "2024.06.0"  # before GET /v1/search/auditlogs


def client_for(server):
    client = ConnectClient(server.url, server.keys["admin"])
    client.server_settings()
    server.clear_log()
    return client


# -- JSON Lines --------------------------------------------------------------------

def test_hash_file_reads_every_block_and_says_none_for_a_missing_file(tmp_path):
    path = tmp_path / "data.bin"
    data = os.urandom(3 * (1 << 20) + 17)  # more than one block, not a whole number of them
    path.write_bytes(data)
    assert export.hash_file(str(path), ("sha1", "md5")) == dict(
        sha1=hashlib.sha1(data).hexdigest(), md5=hashlib.md5(data).hexdigest(), size=len(data))
    assert export.file_sha1(str(path)) == hashlib.sha1(data).hexdigest()
    assert export.hash_file(str(tmp_path / "missing")) is None and export.file_sha1(str(tmp_path)) is None


def test_json_lines_writer_streams_and_replaces_only_on_change(tmp_path):
    dest = tmp_path / "audit.jsonl"
    entries = [{"id": "1", "action": "a"}, {"id": "2", "action": "b", "extra": "é"}]

    writer = JsonLinesWriter(str(dest))
    assert writer.write_all(iter(entries)) == 2
    assert writer.commit() is True
    lines = dest.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == entries
    assert os.listdir(str(tmp_path)) == ["audit.jsonl"]  # no temporary file left
    assert writer.checksum == export.file_sha1(str(dest))

    before = dest.stat().st_mtime_ns
    again = JsonLinesWriter(str(dest))
    again.write_all(entries)
    assert again.commit() is False
    assert dest.stat().st_mtime_ns == before
    assert os.listdir(str(tmp_path)) == ["audit.jsonl"]


def test_json_lines_writer_in_check_mode_writes_nothing(tmp_path):
    dest = tmp_path / "audit.jsonl"
    writer = JsonLinesWriter(str(dest), write=False)
    writer.write_all([{"id": "1"}])
    assert writer.changed() is True
    writer.discard()
    assert os.listdir(str(tmp_path)) == []


def test_json_lines_writer_failure_leaves_dest_untouched(tmp_path):
    dest = tmp_path / "audit.jsonl"
    dest.write_text("old\n")

    def failing():
        yield {"id": "1"}
        raise RuntimeError("connection lost")

    writer = JsonLinesWriter(str(dest))
    with pytest.raises(RuntimeError):
        writer.write_all(failing())
    writer.discard()
    assert dest.read_text() == "old\n"
    assert os.listdir(str(tmp_path)) == ["audit.jsonl"]


def test_check_dest(tmp_path):
    export.check_dest(str(tmp_path / "new.jsonl"))
    with pytest.raises(ValueError, match="does not exist"):
        export.check_dest(str(tmp_path / "missing" / "a.jsonl"))
    with pytest.raises(ValueError, match="is a directory"):
        export.check_dest(str(tmp_path))


def test_export_memory_stays_flat(tmp_path):
    """Streaming 10,000 entries to a file holds about one page, not the whole list."""
    import tracemalloc

    server = StandIn(version=OLD_VERSION, seed="bench", seed_options={"audit": 10000, "content": 5, "usage": 0}).start()
    try:
        client = client_for(server)
        peaks = {}
        for mode in ("dest", "list"):
            tracemalloc.start()
            entries = audit.iter_audit(client, AuditQuery(order="asc"))[1]
            if mode == "dest":
                writer = JsonLinesWriter(str(tmp_path / "audit.jsonl"))
                assert writer.write_all(entries) == 10000
                writer.commit()
            else:
                assert len(list(entries)) == 10000
            peaks[mode] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert peaks["dest"] * 4 < peaks["list"], peaks
        assert len((tmp_path / "audit.jsonl").read_text().splitlines()) == 10000
    finally:
        server.stop()


def test_write_beside_replaces_a_planted_link_is_private_and_a_failure_leaves_dest_as_it_was(tmp_path):
    victim, dest = tmp_path / "victim", tmp_path / "out.bin"
    victim.write_bytes(b"must stay")
    dest.symlink_to(victim)
    export.write_beside(str(dest), lambda out: out.write(b"new"))
    assert victim.read_bytes() == b"must stay" and not dest.is_symlink() and dest.read_bytes() == b"new"
    assert os.stat(str(dest)).st_mode & 0o777 == 0o600

    def broken(out):
        out.write(b"half")
        raise OSError("the connection dropped")

    with pytest.raises(OSError):
        export.write_beside(str(dest), broken)
    assert dest.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "victim"]


# -- big results: export_json_lines and only_fields (the listing info modules' `dest` and `fields`) ----------------

def test_export_json_lines_writes_one_line_per_item_and_predicts_in_check_mode(tmp_path):
    dest = tmp_path / "content.jsonl"
    items = [{"guid": "a", "title": "{{ lookup('pipe','touch x') }}\nsecond\r\u2028\u0085 =cmd|' /C calc'!A0"},
             {"guid": "b", "title": "<script>\"q\"</script>"}]
    check = export.export_json_lines(str(dest), iter(items), check_mode=True)
    assert check["changed"] is True and check["count"] == 2 and not dest.exists()
    assert os.listdir(str(tmp_path)) == []
    first = export.export_json_lines(str(dest), iter(items))
    assert first == dict(check, dest=str(dest))
    raw = dest.read_bytes()
    assert raw.count(b"\n") == 2 and b"\r" not in raw and "\u2028".encode("utf-8") not in raw
    assert [json.loads(line) for line in raw.decode("utf-8").split("\n")[:-1]] == items
    assert stat_mode(dest) == 0o600
    assert export.export_json_lines(str(dest), items)["changed"] is False
    assert export.export_json_lines(str(dest), items, check_mode=True)["changed"] is False


def stat_mode(path):
    return os.stat(str(path)).st_mode & 0o777


def test_export_json_lines_replaces_a_planted_link_even_to_the_same_content(tmp_path):
    items = [{"guid": "a"}]
    target = tmp_path / "elsewhere.jsonl"
    target.write_bytes(export.json_line(items[0]))  # what the export would write: a link must not make it "unchanged"
    dest = tmp_path / "content.jsonl"
    dest.symlink_to(target)
    assert export.export_json_lines(str(dest), items, check_mode=True)["changed"] is True
    assert export.export_json_lines(str(dest), items)["changed"] is True
    assert not dest.is_symlink() and dest.read_bytes() == target.read_bytes()
    assert target.read_bytes() == export.json_line(items[0])  # the link's target is untouched


def test_only_fields_keeps_the_keys_asked_for_in_their_order():
    items = [{"guid": "a", "name": "n", "title": "t"}, {"guid": "b"}]
    assert list(module.only_fields(items, ["title", "guid", "not_sent"])) == [{"title": "t", "guid": "a"}, {"guid": "b"}]
    assert [list(item) for item in module.only_fields(items, ["title", "guid"])] == [["title", "guid"], ["guid"]]
    assert list(module.only_fields(items, None)) == items
    assert module.listing_spec() == dict(fields=dict(type="list", elements="str"), dest=dict(type="path"),
                                         mode=dict(type="raw", default="0600"))
