"""Big results from the listing info modules: `fields` and `dest` (JSON Lines), real ansible-playbook runs against the
stand-in. Hostile titles and names land in the file as data, one line per item."""

import hashlib
import json
import os
import stat

import pytest

from playbook_runs import localhost_play


def hostile(tmp_path):
    """A title no template engine, CSV reader, browser or line reader should act on."""
    return ("{{ lookup('pipe','touch %s') }} {%% if true %%}x{%% endif %%}\nline two\r\u2028\u0085"
            "=cmd|' /C calc'!A0 <script>alert(1)</script> \"quoted\" 'single'" % (tmp_path / "pwned"))


@pytest.fixture
def hostile_item(standin, tmp_path):
    owner = standin.state.user_by_username("dave")["guid"]
    item = standin.state.add_content("hostile-title", owner, title=hostile(tmp_path))
    yield item
    del standin.state.content[item["guid"]]
    del standin.state.names[(owner, "hostile-title")]
    del standin.state.permissions[item["guid"]]


def checksum(items):
    """SHA-1 of the items as JSON Lines (keys sorted, compact)."""
    text = "".join(json.dumps(item, sort_keys=True, separators=(",", ":")) + "\n" for item in items)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def lines(path):
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]  # split on \n only: each item is one line


FIELDS_PLAY = localhost_play("""
    - name: content fields
      posit.connect.connect_content_info:
        include: [vanity_url]
        fields: [guid, title, vanity_url, no_such_field]
    - name: user fields
      posit.connect.connect_user_info:
        fields: [username, user_role]
    - name: group fields
      posit.connect.connect_group_info:
        members: true
        fields: [name, members]
    - name: content whole
      posit.connect.connect_content_info:
        include: [vanity_url]
    - name: empty fields
      posit.connect.connect_content_info:
        fields: []
      ignore_errors: true
""")


def test_fields_return_only_the_keys_asked_for(standin, playbook, hostile_item, tmp_path):
    run = playbook(FIELDS_PLAY)
    whole = dict((item["guid"], item) for item in run["content whole"]["content"])
    content = run["content fields"]["content"]
    assert len(content) == len(whole) == len(standin.state.content)
    vanity = 0
    for item in content:
        # in the order asked for; a key the item lacks (no vanity URL, a field no server sends) is left out
        expected = [key for key in ("guid", "title", "vanity_url") if key in whole[item["guid"]]]
        assert list(item) == expected
        assert item == dict((key, whole[item["guid"]][key]) for key in expected)
        vanity += "vanity_url" in item
    assert 0 < vanity < len(content)
    assert next(i for i in content if i["guid"] == hostile_item["guid"])["title"] == hostile(tmp_path)
    assert not (tmp_path / "pwned").exists()

    users = run["user fields"]["users"]
    assert len(users) == len(standin.state.users)
    assert all(sorted(user) == ["user_role", "username"] for user in users)
    groups = run["group fields"]["groups"]
    assert len(groups) == len(standin.state.groups) and all(sorted(group) == ["members", "name"] for group in groups)
    assert any(group["members"] for group in groups)
    assert all(run[name]["changed"] is False for name in ("content fields", "user fields", "group fields"))

    assert run["empty fields"]["_status"] == "failed"
    assert "Option 'fields' names no field" in run["empty fields"]["msg"]
    assert standin.writes() == []


DEST_PLAY = localhost_play("""
    - name: export in check mode
      posit.connect.connect_content_info: &export
        dest: "{{ dest }}"
      check_mode: true
    - name: file after check mode
      ansible.builtin.stat:
        path: "{{ dest }}"
    - name: export
      posit.connect.connect_content_info: *export
    - name: export again
      posit.connect.connect_content_info: *export
    - name: export again in check mode
      posit.connect.connect_content_info: *export
      check_mode: true
    - name: same items returned
      posit.connect.connect_content_info:
    - name: export some fields
      posit.connect.connect_content_info:
        dest: "{{ dest }}"
        fields: [guid, title]
        mode: "0640"
    - name: users export
      posit.connect.connect_user_info:
        dest: "{{ out }}/users.jsonl"
        fields: [username]
    - name: groups export
      posit.connect.connect_group_info:
        dest: "{{ out }}/groups.jsonl"
""")


def test_dest_writes_json_lines_with_hostile_data(standin, playbook, hostile_item, tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    dest = out / "content.jsonl"
    run = playbook(DEST_PLAY, extra_vars={"dest": str(dest), "out": str(out)}).ok()
    items = run["same items returned"]["content"]
    assert len(items) == len(standin.state.content)

    check = run["export in check mode"]
    assert check["changed"] is True and check["count"] == len(items) and "content" not in check
    assert run["file after check mode"]["stat"]["exists"] is False

    first = run["export"]
    assert first["changed"] is True and first["dest"] == str(dest) and first["count"] == len(items)
    assert "content" not in first and first["checksum"] == check["checksum"]
    assert first["checksum"] == checksum(items)  # one line per item, each exactly as Connect sent it

    assert run["export again"]["changed"] is False
    assert run["export again in check mode"]["changed"] is False

    some = run["export some fields"]
    assert some["changed"] is True and some["count"] == len(items)
    assert lines(dest) == [dict(guid=i["guid"], title=i["title"]) for i in items]
    assert hostile(tmp_path) in [item["title"] for item in lines(dest)]
    assert "\u2028" not in dest.read_text(encoding="utf-8")  # escaped: no line reader splits an item
    assert not (tmp_path / "pwned").exists()
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640

    users = run["users export"]
    assert users["count"] == len(standin.state.users) and "users" not in users
    assert sorted(u["username"] for u in lines(out / "users.jsonl")) == sorted(
        u["username"] for u in standin.state.users.values())
    assert stat.S_IMODE((out / "users.jsonl").stat().st_mode) == 0o600  # private unless `mode` says otherwise
    assert len(lines(out / "groups.jsonl")) == run["groups export"]["count"] == len(standin.state.groups)
    assert sorted(os.listdir(str(out))) == ["content.jsonl", "groups.jsonl", "users.jsonl"]  # no temporary file left
    assert standin.writes() == []


def test_dest_replaces_a_planted_link_and_never_writes_through_it(standin, playbook, tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep me\n")
    dest = tmp_path / "content.jsonl"
    dest.symlink_to(target)
    run = playbook(tasks="""
        - name: export
          posit.connect.connect_content_info:
            dest: "%s"
            fields: [guid]
    """ % dest).ok()
    assert run["export"]["changed"] is True
    assert not dest.is_symlink() and len(lines(dest)) == len(standin.state.content)
    assert target.read_text() == "keep me\n"


BAD_PLAY = localhost_play("""
    - name: dest a directory
      posit.connect.connect_content_info:
        dest: "{{ out }}"
      ignore_errors: true
    - name: dest in a missing directory
      posit.connect.connect_user_info:
        dest: "{{ out }}/missing/users.jsonl"
      ignore_errors: true
    - name: bad mode
      posit.connect.connect_group_info:
        dest: "{{ out }}/groups.jsonl"
        mode: "rw-everyone"
      ignore_errors: true
""")


def test_bad_dest_fails_before_any_request(standin, playbook, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    run = playbook(BAD_PLAY, extra_vars={"out": str(out)})
    messages = run.failed({"dest a directory": "Option 'dest'", "dest in a missing directory": "Option 'dest'",
                           "bad mode": "Option 'mode'"})
    assert "is a directory" in messages["dest a directory"]
    assert os.path.join(str(out), "content.jsonl") in messages["dest a directory"]  # the fix: a file path in it
    assert "does not exist" in messages["dest in a missing directory"]
    assert os.listdir(str(out)) == []
    assert standin.requests == []
