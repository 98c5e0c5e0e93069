"""Reliability matrix, TLS and secrets: a self-signed certificate fails by default with a message naming
`ca_path` and `validate_certs`, works with either; with -vvvv, on success and on every failure, the API key
appears nowhere: not in the output, the results, or any file the collection writes."""

import http.client
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connect_standin import StandIn
from connect_standin.tls import make_ca
from playbook_runs import localhost_play


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    certs = make_ca(tmp_path_factory.mktemp("certs"))
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    yield server, certs
    server.stop()


def test_self_signed_tls_default_fails_ca_path_works_validate_certs_false_warns(tls, playbook):
    server, certs = tls
    run = playbook(tasks="""
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


SUCCESS = localhost_play("""
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
""")


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
    run = playbook(tasks="""
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
    run = playbook(tasks="""
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


class _Recorder(BaseHTTPRequestHandler):
    """"Another host": records every request it gets (and whether it carried an API key)."""

    def do_GET(self):
        self.server.seen.append(dict(method=self.command, path=self.path, key="Authorization" in self.headers))
        body = b'{"results": [], "paging": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _HostRewriter(BaseHTTPRequestHandler):
    """A proxy in front of the stand-in that tells it another Host, as a Connect whose Server.Address names
    another host does: every paging link it builds then points at that host."""

    def do_GET(self):
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        headers["Host"] = self.server.other_host
        upstream.request(self.command, self.path, headers=headers)
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(handler, **attributes):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    for name, value in attributes.items():
        setattr(server, name, value)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_paging_links_to_another_host_get_no_request_and_no_key(playbook):
    # Before 2025.01.0 there is no audit search: connect_audit_info pages GET /v1/audit_logs (keyset) too.
    standin = StandIn(version="2024.10.0").start()
    other = _serve(_Recorder, seen=[])
    proxy = _serve(_HostRewriter, upstream_port=int(standin.url.rsplit(":", 1)[1]),
                   other_host="127.0.0.1:%d" % other.server_address[1])
    try:
        text = localhost_play("""
            - {name: shiny, posit.connect.connect_usage_info: {type: shiny, since: -60d}}
            - {name: visits, posit.connect.connect_usage_info: {type: visits, since: -60d}}
            - {name: audit, posit.connect.connect_audit_info: {since: -90d}}
        """)
        direct = playbook(text, server=standin).ok()
        standin.clear_log()
        proxied = playbook(text, env={"CONNECT_SERVER": "http://127.0.0.1:%d" % proxy.server_address[1]},
                           server=standin).ok()
        pages = [e for e in standin.requests if "next" in e["query"]]
        links = [e for e in standin.requests if e["path"].endswith(("/usage", "/visits", "/audit_logs"))]
    finally:
        proxy.shutdown()
        other.shutdown()
        standin.stop()
    assert other.seen == []  # the links named it: nothing went there, no key either
    # Every page was asked for at 'server' with the cursor and the first page's parameters.
    assert len(pages) >= 3 and all(e["status"] == 200 for e in links)
    assert all("asc_order" in e["query"] or "ascOrder" in e["query"] for e in pages)
    assert proxied["shiny"]["count"] == direct["shiny"]["count"] > 500
    assert proxied["visits"]["count"] == direct["visits"]["count"] > 500
    assert proxied["audit"]["count"] == direct["audit"]["count"] > 500


def test_audit_files_are_private_and_a_planted_link_is_never_followed(standin, playbook, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("must stay")
    out = tmp_path / "out"
    out.mkdir()
    (out / "audit.jsonl").symlink_to(victim)
    export = localhost_play("""
        - name: export
          posit.connect.connect_audit_info: {dest: "%(out)s/audit.jsonl"}
        - name: incremental
          posit.connect.connect_audit_info: {dest: "%(out)s/inc.jsonl", checkpoint: "%(out)s/inc.state"}
    """) % dict(out=out)
    run = playbook(export).ok()
    assert victim.read_text() == "must stay" and not (out / "audit.jsonl").is_symlink()
    for name in ("audit.jsonl", "inc.jsonl", "inc.state", "inc.state.lock"):
        assert oct(os.stat(str(out / name)).st_mode & 0o777) == "0o600", name
    assert run["export"]["count"] > 0

    standin.add_audit("add_user", "Added user Zed (zed)", user="admin")  # something new to append
    (out / "inc.jsonl").unlink()
    (out / "inc.jsonl").symlink_to(victim)
    (out / "inc.state.lock").unlink()
    (out / "inc.state.lock").symlink_to(tmp_path / "planted.lock")
    run = playbook(export.replace('"%s/inc.jsonl"' % out, '"%s/inc.jsonl", mode: "0640"' % out))
    assert run["incremental"]["_status"] == "failed" and victim.read_text() == "must stay"
    assert run["incremental"]["msg"].startswith("Option 'checkpoint': %s/inc.state.lock is a symbolic link" % out)
    assert not (tmp_path / "planted.lock").exists()
    (out / "inc.state.lock").unlink()
    run = playbook(export)
    assert run["incremental"]["msg"].startswith("Option 'dest': %s/inc.jsonl is a symbolic link" % out)
    assert victim.read_text() == "must stay"
