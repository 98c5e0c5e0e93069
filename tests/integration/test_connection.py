"""The connection as a user meets it, through real ansible-playbook runs: what a task says when nothing is set,
when `server` or `ca_path` is wrong, when TLS is not what `server` says; one warning per task for retries and
for `validate_certs: false`; a rate-limited batch that finishes; an administrator's key named where it is needed."""

import time

import pytest

from connect_standin import StandIn
from connect_standin.tls import make_ca
from playbook_runs import localhost_play

UNSET = {"CONNECT_SERVER": None, "CONNECT_API_KEY": None}


def test_nothing_set_names_the_options_the_environment_and_the_role_variables(standin, playbook):
    run = playbook(tasks="""
        - name: module
          posit.connect.connect_server_info:
          ignore_errors: true
        - name: only the key missing
          posit.connect.connect_server_info:
            server: "%s"
          ignore_errors: true
        - name: role
          ansible.builtin.include_role:
            name: posit.connect.ownership_handoff
          vars: {connect_handoff_from: dave, connect_handoff_to: alice}
          ignore_errors: true
    """ % standin.url, env=UNSET)
    module = run["module"]
    assert module["_status"] == "failed" and "missing required arguments" not in module["msg"]
    assert module["msg"].startswith("'server' and 'api_key' are not set: set 'server' and 'api_key' in the task")
    for part in ("export CONNECT_SERVER and CONNECT_API_KEY", "the variables connect_server and connect_api_key"):
        assert part in module["msg"]
    assert module.get("error") != {}  # no empty "error": {} for a failure before any request
    key = run["only the key missing"]["msg"]
    assert key.startswith("'api_key' is not set") and "CONNECT_API_KEY" in key and "connect_api_key" in key
    assert "CONNECT_SERVER" not in key
    role = run["posit.connect.ownership_handoff : Move the content of connect_handoff_from to connect_handoff_to"]
    assert "in the posit.connect roles, set the variables connect_server and connect_api_key" in role["msg"]
    assert standin.requests == []


def test_server_and_ca_path_mistakes_name_the_fix(standin, playbook, tmp_path):
    root = standin.url
    port = root.rsplit(":", 1)[1]
    started = time.monotonic()
    run = playbook(tasks="""
        - name: https to a plain HTTP port
          posit.connect.connect_server_info:
            server: "%(https)s"
          ignore_errors: true
        - name: missing ca_path
          posit.connect.connect_server_info:
            ca_path: "%(tmp)s/no-such-ca.pem"
          ignore_errors: true
        - name: refused
          posit.connect.connect_server_info:
            server: "http://127.0.0.1:9"
          ignore_errors: true
        - name: unknown host
          posit.connect.connect_server_info:
            server: "http://connect.no-such-host.invalid"
          ignore_errors: true
        - name: dashboard
          posit.connect.connect_server_info:
            server: "%(root)s/connect/"
          ignore_errors: true
        - name: api v1 root
          posit.connect.connect_server_info:
            server: "%(root)s/__api__/v1"
        - name: bad key
          posit.connect.connect_server_info:
            api_key: not-a-real-key
          ignore_errors: true
    """ % dict(root=root, https=root.replace("http://", "https://"), tmp=tmp_path))
    # Refused and unknown hosts are not retried (5 retries with backoff took 17-19 s each).
    assert time.monotonic() - started < 40
    expected = {
        "https to a plain HTTP port": ["did not answer TLS", "127.0.0.1:%s" % port, "check the scheme and port in 'server'"],
        "missing ca_path": ["Option 'ca_path': %s/no-such-ca.pem does not exist" % tmp_path],
        "refused": ["nothing accepts connections at 127.0.0.1:9 (connection refused)", "Check the host and port in 'server'"],
        "unknown host": ["'connect.no-such-host.invalid' could not be resolved", "Check the host and port in 'server'"],
        "dashboard": ["'server' is Connect's dashboard address (%s/connect/); the server URL is %s." % (root, root)],
        "bad key": ["HTTP 401", ". Check 'api_key'"],
    }
    for task, parts in expected.items():
        result = run[task]
        assert result["_status"] == "failed", task
        assert "\n" not in result["msg"] and ".." not in result["msg"], (task, result["msg"])
        for part in parts:
            assert part in result["msg"], (task, result["msg"])
    assert "ca_path" not in run["https to a plain HTTP port"]["msg"]
    assert "path prefix" not in run["dashboard"]["msg"]
    assert run["missing ca_path"]["error"]["option"] == "ca_path"  # an input error: no request details
    assert run["api v1 root"]["server"]["api_url"] == root + "/__api__"
    assert not any(r.get("fault") for r in standin.requests)


def test_a_hostname_mismatch_names_the_certificates_hosts(playbook, tmp_path):
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("connect.example.com")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    (tmp_path / "cert.pem").write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    server = StandIn(tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))).start()
    try:
        run = playbook(tasks="""
            - name: mismatch
              posit.connect.connect_server_info:
                ca_path: "%s"
              ignore_errors: true
        """ % (tmp_path / "ca.pem"), server=server)
        msg = run["mismatch"]["msg"]
        assert "the server's certificate does not name '127.0.0.1'; it names connect.example.com." in msg
        assert "Set 'server' to a name the certificate carries" in msg and "set 'ca_path'" not in msg
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    certs = make_ca(tmp_path_factory.mktemp("certs"))
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    yield server
    server.stop()


RETRIED = localhost_play("""
    - name: info
      posit.connect.connect_content_info:
        include: [permissions]
        concurrency: 1  # one request at a time: each 503 is followed by its retry, which passes
        validate_certs: false
""")


def test_retries_and_validate_certs_false_warn_once_per_task(tls, playbook):
    tls.set_faults([{"kind": "503", "every": 2, "count": 6}])
    run = playbook(RETRIED, server=tls).ok()
    warnings = run["info"]["warnings"]
    retried = sum(1 for e in tls.requests if e["status"] == 503)
    assert retried == 6
    assert warnings == [
        "validate_certs is false: the Connect server's TLS certificate is not checked. Prefer 'ca_path' pointing "
        "at its CA bundle.",
        "%d requests were retried after HTTP 503; all succeeded" % retried,
    ]
    assert "retry 1 of 5" not in run.stdout and "InsecureRequestWarning" not in run.stdout + run.stderr

    tls.set_faults([{"kind": "503", "every": 2, "count": 6}])
    tls.clear_log()
    verbose = playbook(RETRIED, server=tls, verbosity=1).ok()
    lines = [w for w in verbose["info"]["warnings"] if "; retry 1 of 5 in " in w]
    assert len(lines) == sum(1 for e in tls.requests if e["status"] == 503)


@pytest.fixture(scope="module")
def batch():
    options = dict(content=200, audit=10, usage=0, owner="dave")
    server = StandIn(seed="bench", seed_options=options).start()
    yield server
    server.stop()


def test_a_429_on_every_third_request_does_not_fail_a_200_item_handoff(batch, playbook):
    """HTTP 429 waits out Retry-After within rate_limit_wait and does not use up `retries` (1 here, which
    five 429s in a row used to exhaust)."""
    batch.set_faults([{"kind": "429", "every": 3, "retry_after": 0}])
    run = playbook("""
    - hosts: localhost
      gather_facts: false
      module_defaults:
        group/posit.connect.connect:
          retries: 1
      tasks:
        - name: role
          ansible.builtin.include_role:
            name: posit.connect.ownership_handoff
        - name: fact
          ansible.builtin.debug:
            var: connect_handoff
    """, server=batch, extra_vars=dict(connect_handoff_from="dave", connect_handoff_to="alice")).ok()
    fact = run["fact"]["connect_handoff"]
    assert (fact["matched"], fact["changed"], fact["failed"]) == (200, 200, [])
    dave, alice = (batch.state.user_by_username(name)["guid"] for name in ("dave", "alice"))
    assert sum(1 for c in batch.state.content.values() if c["owner_guid"] == alice) >= 200
    assert not any(c["owner_guid"] == dave for c in batch.state.content.values())
    throttled = sum(1 for e in batch.requests if e["status"] == 429)
    assert throttled >= 60
    move = run["posit.connect.ownership_handoff : Move the content of connect_handoff_from to connect_handoff_to"]
    (warning,) = [w for w in move.get("warnings", []) if "retried" in w]  # one line, however many 429s
    retried = int(warning.split()[0])
    assert warning == "%d requests were retried after HTTP 429; all succeeded" % retried
    assert throttled / 3 < retried <= throttled  # a request may get several 429s in a row


def test_a_publisher_key_on_admin_only_operations_says_an_administrators_key_is_needed(standin, playbook):
    run = playbook(tasks="""
        - name: audit logs
          posit.connect.connect_audit_info:
            since: -7d
          ignore_errors: true
        - name: audit actions
          posit.connect.connect_audit_info:
            list_actions: true
          ignore_errors: true
        - name: audit logs of one action
          posit.connect.connect_audit_info:
            action: [add_user]
          ignore_errors: true
    """, api_key=standin.keys["publisher"])
    for task in ("audit logs", "audit actions", "audit logs of one action"):
        result = run[task]
        assert result["_status"] == "failed" and result["error"]["status"] == 403, task
        assert result["msg"].startswith("Reading audit logs requires an administrator's API key: the API key given "
                                        "belongs to a user who may not do this"), result["msg"]
        assert "Connect error 22 PermissionDenied" in result["msg"] and "\n" not in result["msg"]
    assert standin.keys["publisher"] not in run.stdout


@pytest.fixture(scope="module")
def trusted(tmp_path_factory):
    """A TLS stand-in, its CA, and another CA that did not sign its certificate."""
    certs = make_ca(tmp_path_factory.mktemp("certs"))
    certs["other"] = make_ca(tmp_path_factory.mktemp("other"))["ca"]
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    yield server, certs
    server.stop()


def test_http_to_a_tls_port_fails_at_once_naming_https_and_a_wrong_ca_says_it_did_not_sign(trusted, playbook):
    server, certs = trusted
    plain = server.url.replace("https://", "http://")
    started = time.monotonic()
    run = playbook(tasks="""
        - name: http to a TLS port
          posit.connect.connect_server_info:
            server: "%s"
          ignore_errors: true
        - name: wrong CA
          posit.connect.connect_server_info:
            ca_path: "%s"
          ignore_errors: true
    """ % (plain, certs["other"]), server=server)
    assert time.monotonic() - started < 15  # 5 retries with backoff took 19 s
    http = run["http to a TLS port"]
    assert http["_status"] == "failed" and "retried" not in http["msg"] and "Connect closed" not in http["msg"]
    assert "speaks TLS" in http["msg"] and http["msg"].endswith("Set 'server' to %s." % server.url)
    wrong = run["wrong CA"]
    assert wrong["_status"] == "failed"
    assert "the CA in 'ca_path' (%s) did not sign the server's certificate" % certs["other"] in wrong["msg"]
    assert "set 'ca_path' to the CA bundle" not in wrong["msg"] and "validate_certs" not in wrong["msg"]


def _hashed_dir(ca, directory):
    """An OpenSSL CA directory (SSL_CERT_DIR) holding the CA under its subject hash."""
    import subprocess

    digest = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca], capture_output=True, text=True,
                            check=True).stdout.strip()
    directory.mkdir()
    (directory / ("%s.0" % digest)).write_bytes(open(ca, "rb").read())
    return str(directory)


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", None])
def test_without_ca_path_what_the_system_trusts_is_trusted(trusted, playbook, tmp_path, variable):
    server, certs = trusted
    env = {"SSL_CERT_FILE": None, "SSL_CERT_DIR": None, "REQUESTS_CA_BUNDLE": None, "CURL_CA_BUNDLE": None}
    if variable == "SSL_CERT_DIR":
        env[variable] = _hashed_dir(certs["ca"], tmp_path / "certs")
    elif variable:
        env[variable] = certs["ca"]
    run = playbook(tasks="""
        - name: system trust
          posit.connect.connect_server_info:
          ignore_errors: true
        - name: ca_path still wins
          posit.connect.connect_server_info:
            ca_path: "%s"
          ignore_errors: true
    """ % certs["other"], server=server, env=env)
    result = run["system trust"]
    if variable:
        assert result["_status"] == "ok" and result["server"]["version"] == server.version, result.get("msg")
    else:
        assert result["_status"] == "failed" and "add the CA to the system's trust store" in result["msg"]
    assert run["ca_path still wins"]["_status"] == "failed"  # the given CA alone, whatever the system trusts
