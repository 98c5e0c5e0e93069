"""posit.connect.connect_user against the stand-in: real ansible-playbook runs, asserting results, the
request log and the stand-in's users.

The playbook fixture runs many cases in one ansible-playbook process (one task each), which is what the
check-mode and -vvvv assertions need too.
"""

import json

from connect_state import writes

PASSWORD = "Sup3r-secret-pw"
NINA = dict(username="nina", email="nina@example.com", first_name="Nina", user_role="publisher", password=PASSWORD)


def user(server, username):
    return server.state.user_by_username(username)


def test_create_reapply_check_mode_and_diff(demo, playbook):
    body = """
- name: create, check mode
  posit.connect.connect_user: &nina %s
  check_mode: true
  diff: true
""" % json.dumps(NINA)
    run = playbook(tasks=body).ok()
    assert run["create, check mode"]["changed"] is True
    assert run["create, check mode"]["user"]["username"] == "nina" and run["create, check mode"]["user"]["guid"] is None
    assert demo.writes() == [] and user(demo, "nina") is None

    body = """
- name: create
  posit.connect.connect_user: &nina %s
- name: again
  posit.connect.connect_user: *nina
- name: change, check mode
  posit.connect.connect_user:
    username: nina
    user_role: viewer
    last_name: Ng
  check_mode: true
  diff: true
- name: change
  posit.connect.connect_user:
    username: nina
    user_role: viewer
    last_name: Ng
  diff: true
- name: lock
  posit.connect.connect_user:
    username: nina
    locked: true
- name: lock again
  posit.connect.connect_user:
    username: nina
    locked: true
""" % json.dumps(NINA)
    demo.clear_log()
    run = playbook(tasks=body, verbosity=4).ok()
    assert PASSWORD not in run.stdout + run.stderr
    created = run["create"]
    assert created["changed"] is True and created["user"]["guid"] == user(demo, "nina")["guid"]
    assert PASSWORD not in str(run.results)
    assert run["again"]["changed"] is False
    diff = run["change, check mode"]["diff"]
    assert diff["before"] == {"user_role": "publisher", "last_name": ""}
    assert diff["after"] == {"user_role": "viewer", "last_name": "Ng"}
    assert run["change"]["user"]["user_role"] == "viewer"
    assert run["lock"]["changed"] is True and run["lock again"]["changed"] is False
    nina = user(demo, "nina")
    assert nina["locked"] is True and nina["user_role"] == "viewer" and nina["last_name"] == "Ng"
    assert writes(demo) == [("POST", "/__api__/v1/users"), ("PUT", "/__api__/v1/users/%s" % nina["guid"]),
                            ("POST", "/__api__/v1/users/%s/lock" % nina["guid"])]
    post = demo.writes()[0]["body"]
    assert post["user_role"] == "publisher" and post["email"] == "nina@example.com"


def test_rename_by_guid_and_errors_before_any_write(demo, playbook):
    bob = user(demo, "bob")["guid"]
    body = """
- name: rename
  posit.connect.connect_user:
    guid: %(bob)s
    username: robert
  diff: true
- name: rename onto an existing username
  posit.connect.connect_user:
    guid: %(bob)s
    username: alice
  ignore_errors: true
- name: unknown role
  posit.connect.connect_user:
    username: carol
    user_role: boss
  ignore_errors: true
- name: missing user without a password
  posit.connect.connect_user:
    username: newcomer
  ignore_errors: true
- name: unknown guid
  posit.connect.connect_user:
    guid: 6f300623-1e0c-48e6-a473-ddf630c0c0c3
    user_role: viewer
  ignore_errors: true
- name: password and remote
  posit.connect.connect_user:
    username: newcomer
    remote: true
    password: %(pw)s
  ignore_errors: true
""" % dict(bob=bob, pw=PASSWORD)
    run = playbook(tasks=body).ok()
    assert run["rename"]["diff"]["before"] == {"username": "bob"} and run["rename"]["diff"]["after"] == {"username": "robert"}
    assert user(demo, "robert")["guid"] == bob
    assert "'username': user 'alice' already exists" in run["rename onto an existing username"]["msg"]
    assert "DuplicateUserName" in run["rename onto an existing username"]["msg"]
    assert "user_role" in run["unknown role"]["msg"] and "boss" in run["unknown role"]["msg"]
    assert "Option 'username': user 'newcomer' does not exist" in run["missing user without a password"]["msg"]
    assert "Option 'guid': no Connect user with guid" in run["unknown guid"]["msg"]
    assert "Option 'password': a remote user" in run["password and remote"]["msg"]
    assert writes(demo) == [("PUT", "/__api__/v1/users/%s" % bob)]


def test_batch_with_a_failing_item(demo, playbook):
    kept = [{"username": "victor"}, {"username": "wendy", "first_name": "Wendy W"}]
    newbie = {"username": "newbie", "email": "newbie@example.com", "user_must_set_password": True, "user_role": "viewer"}
    body = """
- name: batch
  posit.connect.connect_user:
    user_role: publisher
    items: %s
  ignore_errors: true
  diff: true
- name: batch again
  posit.connect.connect_user:
    user_role: publisher
    items: %s
""" % (json.dumps(kept + [{"username": "ghost"}, newbie]), json.dumps(kept + [{"username": "newbie", "user_role": "viewer"}]))
    run = playbook(tasks=body).ok()
    batch = run["batch"]
    assert batch["_status"] == "failed" and batch["failed_count"] == 1 and batch["changed_count"] == 3
    assert [r["status"] for r in batch["results"]] == ["updated", "updated", "failed", "created"]
    assert batch["failed_items"][0]["index"] == 2
    assert "'items[2].username': user 'ghost' does not exist" in batch["failed_items"][0]["msg"]
    assert batch["results"][1]["changes"] == {"user_role": "publisher", "first_name": "Wendy W"}
    assert batch["diff"][0]["before_header"].startswith("user 'victor' (")
    assert user(demo, "victor")["user_role"] == "publisher" and user(demo, "newbie")["confirmed"] is False
    assert run["batch again"]["changed"] is False and run["batch again"]["changed_count"] == 0
    gets = [e for e in demo.requests if e["method"] == "GET" and e["path"] == "/__api__/v1/users"]
    assert len(gets) == 2  # one listing per batch, not one lookup per item


def test_remote_users(demo, playbook):
    demo.state.auth_provider = "ldap"
    demo.state.directory["users"] += [dict(username="jdoe", first_name="Jane", email="jdoe@example.com"),
                                      dict(username="jdoe2"), dict(username="jsmith"), dict(username="jsmithers")]
    body = """
- name: remote, check mode
  posit.connect.connect_user:
    username: jdoe
    remote: true
    user_role: publisher
  check_mode: true
- name: remote
  posit.connect.connect_user:
    username: jdoe
    remote: true
    user_role: publisher
- name: remote again
  posit.connect.connect_user:
    username: jdoe
    remote: true
    user_role: publisher
- name: not in the directory
  posit.connect.connect_user:
    username: jsm
    remote: true
  ignore_errors: true
"""
    run = playbook(tasks=body).ok()
    assert run["remote, check mode"]["changed"] is True
    assert run["remote"]["changed"] is True and run["remote"]["user"]["user_role"] == "publisher"
    assert run["remote again"]["changed"] is False
    msg = run["not in the directory"]["msg"]
    assert "no entry is exactly 'jsm'" in msg and "'jsmith', 'jsmithers'" in msg
    jdoe = user(demo, "jdoe")
    assert jdoe["first_name"] == "Jane" and jdoe["user_role"] == "publisher"
    assert writes(demo) == [("PUT", "/__api__/v1/users"), ("PUT", "/__api__/v1/users/%s" % jdoe["guid"])]


def test_a_refused_password_appears_nowhere(demo, playbook):
    short = "Xq7-short"[:5]  # Connect wants 6 characters at least
    body = """
- name: refused
  posit.connect.connect_user:
    username: shorty
    email: shorty@example.com
    password: "{{ lookup('ansible.builtin.env', 'NEW_PASSWORD') }}"
  ignore_errors: true
- name: batch refused
  posit.connect.connect_user:
    password: "{{ lookup('ansible.builtin.env', 'NEW_PASSWORD') }}"
    email: b@example.com
    items:
      - username: shorty2
  ignore_errors: true
"""
    # from the environment, as from a vault: a password written in the playbook (or given with -e) shows in
    # Ansible's own output (its error excerpt of the task, its -vvvv command line)
    run = playbook(tasks=body, verbosity=4, env=dict(NEW_PASSWORD=short)).ok()
    assert "InadequatePassword" in run["refused"]["msg"]
    assert run["batch refused"]["failed_count"] == 1
    assert short not in run.stdout + run.stderr and short not in str(run.results)
    assert [e["body"].get("password") for e in demo.writes()] == [short, short]  # sent to Connect, nowhere else
