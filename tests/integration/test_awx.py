"""AWX / execution-environment files: the credential type injects exactly the modules' environment
variables, renders the way AWX renders it, and ansible-builder reads the collection's dependencies."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.posit.connect.plugins.module_utils.engine.module import connect_argument_spec

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE = ROOT / "docs" / "awx" / "credential-type.yml"
BUILDER = Path(sys.executable).parent / "ansible-builder"


def module_environment():
    """{option: environment variable} from the connection argument spec's env fallbacks."""
    names = {}
    for option, spec in connect_argument_spec().items():
        fallback = spec.get("fallback")
        if fallback:
            function, variables = fallback
            assert function.__name__ == "env_fallback"
            names.update((name, option) for name in variables)
    return names


def credential_type():
    return yaml.safe_load(CREDENTIAL_TYPE.read_text())


def render(inputs, private_dir):
    """Render the injectors as AWX does (sandboxed Jinja, files first, then `tower.filename.<name>`)."""
    injectors = credential_type()["injectors"]
    sandbox = ImmutableSandboxedEnvironment()
    namespace = dict(inputs)
    for field in credential_type()["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in namespace:
            namespace[field["id"]] = False  # AWX defaults a missing boolean to False
    filenames = SimpleNamespace()
    for label, template in injectors.get("file", {}).items():
        path = Path(private_dir) / label
        path.write_text(sandbox.from_string(template).render(**namespace))
        setattr(filenames, label.split(".", 1)[1], str(path))
    namespace["tower"] = SimpleNamespace(filename=filenames)
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in injectors.get("env", {}).items())
    return env


def test_injectors_are_exactly_the_modules_environment_variables():
    env = module_environment()
    assert set(env) >= {"CONNECT_SERVER", "CONNECT_API_KEY", "CONNECT_CA_PATH"}
    assert sorted(credential_type()["injectors"]["env"]) == sorted(env)


def test_inputs_are_declared_and_the_key_is_secret():
    kind = credential_type()
    fields = dict((f["id"], f) for f in kind["inputs"]["fields"])
    assert kind["kind"] == "cloud" and kind["name"] == "Posit Connect"
    assert sorted(kind["inputs"]["required"]) == ["api_key", "server"]
    assert fields["api_key"].get("secret") is True
    assert fields["ca_bundle"].get("multiline") is True
    assert set(kind["injectors"]) <= {"env", "file", "extra_vars"}
    assert "extra_vars" not in kind["injectors"]  # secrets stay out of the job's extra vars


def test_injectors_render_with_and_without_a_ca_bundle(tmp_path):
    full = render({"server": "https://connect.example.com", "api_key": "k", "ca_bundle": "PEM\n"}, tmp_path)
    assert full["CONNECT_SERVER"] == "https://connect.example.com" and full["CONNECT_API_KEY"] == "k"
    assert Path(full["CONNECT_CA_PATH"]).read_text() == "PEM\n"
    assert full["CONNECT_VALIDATE_CERTS"] == "true"
    bare = render({"server": "https://connect.example.com", "api_key": "k"}, tmp_path)
    assert bare["CONNECT_CA_PATH"] == "" and bare["CONNECT_VALIDATE_CERTS"] == "true"
    assert bare["CONNECT_RATE_LIMIT_WAIT"] == "300"
    insecure = render({"server": "s", "api_key": "k", "skip_tls_verify": True}, tmp_path)
    assert insecure["CONNECT_VALIDATE_CERTS"] == "false"


def test_collection_declares_its_python_dependencies_for_ansible_builder(tmp_path):
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert meta["dependencies"]["python"] == "requirements.txt"
    if not BUILDER.exists():
        pytest.skip("ansible-builder is not installed (requirements-dev.txt)")
    collections = tmp_path / "collections"
    (collections / "ansible_collections" / "posit").mkdir(parents=True)
    (collections / "ansible_collections" / "posit" / "connect").symlink_to(ROOT)
    proc = subprocess.run([str(BUILDER), "introspect", "--sanitize", str(collections)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    found = yaml.safe_load(proc.stdout.split("---", 1)[1])["python"]
    wanted = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.split("#")[0].strip()]
    assert [line.split("#")[0].strip() for line in found] == wanted


def test_example_execution_environment_is_valid_for_ansible_builder(tmp_path):
    if not BUILDER.exists():
        pytest.skip("ansible-builder is not installed (requirements-dev.txt)")
    definition = yaml.safe_load((ROOT / "docs" / "awx" / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert {"name": "posit.connect", "version": ">=0.1.0"} in definition["dependencies"]["galaxy"]["collections"]
    proc = subprocess.run([str(BUILDER), "create", "-f", str(ROOT / "docs" / "awx" / "execution-environment.yml"),
                           "--context", str(tmp_path / "context"), "--output-filename", "Containerfile"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "quay.io/ansible/awx-ee:latest" in containerfile
    assert "posit.connect" in (tmp_path / "context" / "_build" / "requirements.yml").read_text()
    shutil.rmtree(str(tmp_path / "context"))


def test_a_job_with_the_credential_reaches_a_tls_server(tmp_path, playbook):
    """What AWX would inject for a credential with a CA bundle is all a module needs."""
    from connect_standin import StandIn
    from connect_standin.tls import make_ca

    certs = make_ca(tmp_path)
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    try:
        private = tmp_path / "env"
        private.mkdir()
        env = render({"server": server.url, "api_key": server.keys["publisher"],
                      "ca_bundle": Path(certs["ca"]).read_text()}, private)
        text = """
        - name: AWX job
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read the server
              posit.connect.connect_server_info:
        """
        run = playbook(text, server=server, env=env).ok()
        assert run["Read the server"]["server"]["current_user"]["username"] == "alice"
        assert "validate_certs" not in run.stdout  # no insecure-mode warning
        assert {e["user"] for e in server.requests if e["path"] == "/__api__/v1/user"} == {"alice"}
    finally:
        server.stop()


def comparable(requests):
    """The request log without what differs between two runs of one job (timing, order of concurrent requests)."""
    return sorted((e["method"], e["path"], sorted(e["query"].items()), e["user"], e["status"], json.dumps(e.get("body")))
                  for e in requests)


def test_a_role_run_by_ansible_runner_as_awx_runs_a_job(tmp_path, playbook, monkeypatch):
    """AWX and Automation Controller run each job with ansible-runner: a private data directory with the project,
    the inventory, the credential's injected environment (env/envvars) and the job's extra vars (env/extravars).
    The content_report role run that way gives the same result and sends the same requests as ansible-playbook."""
    import ansible_runner
    from playbook_runs import COLLECTIONS, role_play
    from connect_standin import StandIn

    server = StandIn(seed="demo").start()
    try:
        job_vars = {"connect_report_formats": ["json", "csv"], "connect_report_usage_days": "all"}
        play = role_play("content_report", "connect_report")

        server.clear_log()
        reference = playbook(play, server=server, extra_vars=dict(job_vars, connect_report_dir=str(tmp_path / "cli"))).ok()
        cli_requests = server.requests

        data = tmp_path / "job"  # the private data directory, laid out as AWX lays it out
        (data / "project").mkdir(parents=True)
        (data / "project" / "content_report.yml").write_text(play)
        (data / "inventory").mkdir()
        (data / "inventory" / "hosts").write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n"
                                                  % sys.executable)
        (data / "env").mkdir()
        (data / "env" / "extravars").write_text(yaml.safe_dump(dict(job_vars, connect_report_dir=str(tmp_path / "job-report"))))
        credential = render({"server": server.url, "api_key": server.keys["admin"]}, data / "env")
        assert set(credential) == set(credential_type()["injectors"]["env"]) >= {"CONNECT_SERVER", "CONNECT_API_KEY"}
        environment = dict(credential, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS))  # as the EE has it installed
        (data / "env" / "envvars").write_text(yaml.safe_dump(environment))
        for name in credential:
            monkeypatch.delenv(name, raising=False)  # the job sees only what the credential injects
        monkeypatch.setenv("PATH", "%s:%s" % (Path(sys.executable).parent, os.environ.get("PATH", "")))

        server.clear_log()
        job = ansible_runner.run(private_data_dir=str(data), playbook="content_report.yml", quiet=True)
        assert (job.status, job.rc) == ("successful", 0), job.stdout.read()[-4000:]
        results = dict((e["event_data"]["task"], e["event_data"]["res"]) for e in job.events
                       if e["event"] == "runner_on_ok")

        assert results["fact"]["connect_report"] == reference["fact"]["connect_report"]
        assert len(results["fact"]["connect_report"]) == 40
        assert (tmp_path / "job-report" / "content.json").read_text() == (tmp_path / "cli" / "content.json").read_text()
        assert comparable(server.requests) == comparable(cli_requests)
        assert {e["user"] for e in server.requests if e["path"] != "/__api__/server_settings"} == {"admin"}
        assert server.writes() == []
        # the key reaches the modules through the environment only: neither the job's output nor its events,
        # which AWX stores and shows, carry it
        [artifacts] = (data / "artifacts").iterdir()
        shown = [artifacts / "stdout", *sorted((artifacts / "job_events").glob("*.json"))]
        assert len(shown) > 10 and not [path.name for path in shown if server.keys["admin"] in path.read_text()]
    finally:
        server.stop()
