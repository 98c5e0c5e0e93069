"""Reliability matrix, TLS and secrets: a self-signed certificate fails by default with a message naming
`ca_path` and `validate_certs`, works with either; with -vvvv, on success and on every failure, the API key
appears nowhere: not in the output, the results, or any file the collection writes."""

import json

import pytest

from connect_standin import StandIn
from connect_standin.tls import make_ca


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    certs = make_ca(tmp_path_factory.mktemp("certs"))
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    yield server, certs
    server.stop()


def test_self_signed_tls_default_fails_ca_path_works_validate_certs_false_warns(tls, playbook):
    server, certs = tls
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: default
          posit.connect.connect_server_info:
          ignore_errors: true
        - name: ca_path
          posit.connect.connect_server_info:
            ca_path: %s
        - name: no verification
          posit.connect.connect_server_info:
            validate_certs: false
    """ % certs["ca"], server=server, env={"REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}).ok()
    failed = run["default"]
    assert failed["_status"] == "failed" and "\n" not in failed["msg"]
    assert "TLS verification failed" in failed["msg"] and "'ca_path'" in failed["msg"]
    assert "'validate_certs: false'" in failed["msg"]
    assert run["ca_path"]["_status"] == "ok" and not run["ca_path"].get("warnings")
    assert run["no verification"]["_status"] == "ok"
    assert any("validate_certs is false" in w for w in run["no verification"]["warnings"])


SUCCESS = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: info
      posit.connect.connect_content_info: {include: [owner, permissions]}
    - name: audit export
      posit.connect.connect_audit_info: {dest: "%(tmp)s/out/audit.jsonl", checkpoint: "%(tmp)s/out/audit.state"}
    - name: handoff role
      ansible.builtin.include_role: {name: posit.connect.ownership_handoff}
      vars: {connect_handoff_from: dave, connect_handoff_to: erin, connect_handoff_report: "%(tmp)s/out/handoff.csv"}
    - name: report role
      ansible.builtin.include_role: {name: posit.connect.content_report}
      vars: {connect_report_dir: "%(tmp)s/out/report"}
    - name: failures
      ignore_errors: true
      block:
        - name: viewer owner
          posit.connect.connect_content: {owned_by: erin, owner: victor}
        - name: bad option
          posit.connect.connect_content: {guid: not-a-guid, title: x}
"""


def files_under(path):
    return [p for p in path.rglob("*") if p.is_file()]


def assert_no_secret(secret, run, tmp_path):
    assert secret not in run.stdout and secret not in run.stderr
    assert secret not in json.dumps(run.results)
    for path in files_under(tmp_path):
        assert secret.encode() not in path.read_bytes(), path


def test_the_api_key_appears_nowhere_on_success_and_failure(standin, playbook, tmp_path):
    standin.reset(seed="demo")
    secret = standin.keys["admin"]
    (tmp_path / "out").mkdir()
    run = playbook(SUCCESS % dict(tmp=tmp_path), verbosity=4,
                   env={"ANSIBLE_KEEP_REMOTE_FILES": "0", "ANSIBLE_DEBUG": "0"}).ok()
    assert run["info"]["content"] and run["viewer owner"]["_status"] == "failed"
    assert (tmp_path / "out" / "report" / "index.html").exists() and (tmp_path / "out" / "handoff.csv").exists()
    assert "<<" not in secret and len(secret) > 20
    assert_no_secret(secret, run, tmp_path)
    # The key given as a module option (not from the environment) is masked too.
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: explicit key
          posit.connect.connect_server_info: {api_key: "%s"}
    """ % secret, verbosity=4, env={"CONNECT_API_KEY": ""}).ok()
    assert run["explicit key"]["server"]["current_user"]["username"] == "admin"
    assert secret not in run.stdout.replace("api_key: \"%s\"" % secret, "")  # only in the playbook text itself


@pytest.mark.parametrize("fault", [None, "html", "malformed", "500", "drop", "hang"])
def test_the_api_key_appears_nowhere_when_connect_fails(standin, playbook, tmp_path, fault):
    secret = "sk-posit-connect-" + "9f8e7d6c5b4a" * 3  # a key the server rejects: the 401 path
    if fault:
        secret = standin.keys["admin"]
        standin.set_faults([{"kind": fault, "seconds": 5} if fault == "hang" else {"kind": fault}])
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: call
          posit.connect.connect_content_info: {timeout: 2, retries: 1}
    """, api_key=secret, verbosity=4)
    assert run.rc != 0 and run["call"]["_status"] == "failed"
    assert_no_secret(secret, run, tmp_path)


def test_a_role_variable_error_does_not_show_the_api_key(standin, playbook, tmp_path):
    secret = standin.keys["admin"]
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      roles:
        - role: posit.connect.ownership_handoff
          connect_api_key: "{{ lookup('ansible.builtin.env', 'HANDOFF_KEY') }}"
          connect_handoff_from: dave
          connect_handoff_to: erin
          connect_handoff_concurrency: many
    """, verbosity=4, env={"HANDOFF_KEY": secret, "CONNECT_API_KEY": ""})
    assert run.rc != 0 and "connect_handoff_concurrency" in run.stdout
    assert_no_secret(secret, run, tmp_path)
    assert standin.writes() == []
