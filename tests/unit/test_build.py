"""The release artifact: `ansible-galaxy collection build` ships the collection and nothing else
(no tests or stand-in, virtualenvs, caches, build output or benchmarks), and the artifact installs,
documents its modules and runs the demo playbook from where it was installed (through tools/demo.py: `make demo`'s
test is that run)."""

import csv
import functools
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import types
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Prefixes that must never be in the artifact.
FORBIDDEN = (".venv/", ".nox/", ".ci/", ".git/", ".pytest_cache/", ".ansible/", "build/", "bench/", "tools/", "collections/",
             "tests/", "artifacts/")
FORBIDDEN_FILES = ("Makefile", "requirements-dev.txt", "requirements-test.txt", "noxfile.py", ".gitignore",
                   ".ansible-lint", "docs/generate.py", "tests/conftest.py")
REQUIRED = ("MANIFEST.json", "FILES.json", "README.md", "LICENSE", "requirements.txt", "meta/runtime.yml",
            "meta/execution-environment.yml", "plugins/doc_fragments/connect.py", "plugins/module_utils/api/client.py",
            "plugins/module_utils/engine/module.py", "plugins/modules/connect_server_info.py", "changelogs/config.yaml",
            "docs/README.md", "docs/awx/credential-type.yml", "docs/reference/connect_server_info_module.rst",
            "docs/reference/index.rst", "docs/docsite/extra-docs.yml", "docs/docsite/rst/audit_events_event_source.rst",
            "bindep.txt",
            "playbooks/server_report.yml", "playbooks/demo.yml", "roles/ownership_handoff/tasks/main.yml",
            "roles/content_report/templates/index.html.j2", "roles/audit_export/meta/argument_specs.yml",
            "plugins/filter/content_report.py")


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    dest = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(dest), str(ROOT)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    path = dest / ("posit-connect-%s.tar.gz" % galaxy["version"])
    assert path.exists(), list(dest.iterdir())
    return path


def test_artifact_holds_the_collection_and_nothing_else(artifact):
    with tarfile.open(str(artifact)) as tar:
        names = [m.name + ("/" if m.isdir() else "") for m in tar.getmembers()]
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    assert [n for n in names if n.startswith(FORBIDDEN) or n in FORBIDDEN_FILES] == []
    assert [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".tar.gz", ".retry"))] == []
    assert [n for n in names if n.startswith("tests/")] == []  # galaxy-importer warns about ignore files, even empty
    assert [n for n in REQUIRED if n not in names] == []
    modules = sorted(p.name for p in (ROOT / "plugins" / "modules").glob("*.py"))
    assert sorted(n.split("/")[-1] for n in names if n.startswith("plugins/modules/") and n.endswith(".py")) == modules
    assert artifact.stat().st_size < 2 * 1024 * 1024

    info = manifest["collection_info"]
    assert (info["namespace"], info["name"]) == ("posit", "connect")
    assert info["license"] == ["GPL-3.0-or-later"] and info["repository"] and info["issues"] and info["tags"]
    assert info["dependencies"] == {}


def test_artifact_installs_documents_and_runs(artifact, tmp_path, monkeypatch, capfd):
    """`make demo`'s test too (one run of the tour for both): tools/demo.py starts a stand-in, runs playbooks/demo.yml
    (here the installed artifact's, with only the artifact on the collections path) and leaves the report behind."""
    root = tmp_path / "root"  # laid out as tools/demo.py expects its work tree, the collection installed from the artifact
    collections = root / "build" / "collections"
    installed = collections / "ansible_collections" / "posit" / "connect"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections),
                           str(artifact)], env=env, cwd=str(tmp_path), capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and installed.is_dir(), proc.stdout + proc.stderr

    doc = subprocess.run([str(BIN / "ansible-doc"), "posit.connect.connect_server_info"], env=env, cwd=str(tmp_path),
                         capture_output=True, text=True, check=False)
    assert doc.returncode == 0, doc.stderr
    assert str(installed) in doc.stdout and "EXAMPLES:" in doc.stdout

    # tools/demo.py's main, its paths in `root`: the playbook is the installed one (and the site it deploys, beside it)
    for name in ("playbooks", "docs"):
        (root / name).symlink_to(installed / name, target_is_directory=True)
    spec = importlib.util.spec_from_file_location("demo_under_test", str(ROOT / "tools" / "demo.py"))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    servers, start = [], demo.StandIn

    def standin(*args, **kwargs):  # the stand-in tools/demo.py starts, kept to read its request log
        servers.append(start(*args, **kwargs))
        return servers[-1]
    monkeypatch.setattr(demo, "ROOT", root)
    monkeypatch.setattr(demo, "StandIn", standin)
    report = tmp_path / "report"
    monkeypatch.setenv("DEMO_REPORT_DIR", str(report))
    monkeypatch.setenv("ANSIBLE_NOCOLOR", "1")
    monkeypatch.setenv("ANSIBLE_LOCAL_TEMP", str(tmp_path / "ansible-tmp"))
    monkeypatch.setattr(demo, "subprocess", types.SimpleNamespace(  # ansible-playbook reads no terminal
        call=functools.partial(subprocess.call, stdin=subprocess.DEVNULL)))
    capfd.readouterr()
    rc = demo.main([])
    out, err = capfd.readouterr()
    assert rc == 0, out[-5000:] + err[-2000:]
    assert ("GET", "/__api__/server_settings") in [(e["method"], e["path"]) for e in servers[0].requests]
    # Each step of the tour ran and said what it did.
    assert "Connect 2025.09.0 at http://127.0.0.1:" in out and "signed in as admin" in out
    assert "items per owner:" in out and "'dave': 15" in out
    assert "Dry run: 15 of 15 items of dave would move to erin." in out
    assert "Moved 15 of 15 items to erin; failed: 0." in out
    assert "Audit log: 15 ownership changes since " in out
    assert "Content report: %s/index.html" % report in out
    # The deploy and the re-deploy that uploads nothing.
    assert "Deployed bundle " in out and "to hello-static: Deployment completed." in out
    assert "Re-deploy: changed False; bundle " in out
    # Content as code: export, plan (no drift), apply a new item with every facet, plan again (no drift).
    assert "Content as code: exported 40 items; the plan finds 0 differences." in out
    assert "Content as code: applied; 1 items changed, 1 created." in out
    assert "Content as code: the plan after the apply finds 0 differences." in out
    assert "not-a-real-secret" not in out  # the environment value never shows
    assert (report / "content.yml").stat().st_size > 0 and "No drift" in (report / "drift.md").read_text()
    # The handoff's 15 PATCH requests, content as code's new item's 6 writes (POST, PATCH of the owner, tag,
    # vanity URL, environment, ACL entry) and the deploy's 3 (create, upload, deploy) are the only writes.
    assert "The stand-in received 24 write requests." in out
    with open(report / "handoff.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 15
    assert json.loads((report / "content.json").read_text())
    for name in ("index.html", "content.csv", "content.json"):
        assert (report / name).stat().st_size > 0
    assert "key-admin-" not in out + err  # the stand-in's admin key never shows


def test_artifact_names_its_dependencies_for_an_execution_environment(artifact, tmp_path):
    """ansible-builder finds requests (the modules' and the event source's) and the system packages in the installed
    artifact, and `ansible-builder create` on its files puts them in the build context."""
    collections = tmp_path / "collections"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))  # only the artifact, not this work tree
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections),
                           str(artifact)], env=env, cwd=str(tmp_path), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = collections / "ansible_collections" / "posit" / "connect"
    assert (installed / "MANIFEST.json").exists(), proc.stdout
    proc = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(collections)],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    found = yaml.safe_load(proc.stdout.split("---", 1)[1])
    assert [line.split("#")[0].strip() for line in found["python"]] == ["requests>=2.25"], proc.stdout + proc.stderr
    assert [line.split("#")[0].strip() for line in found["system"]] == ["ca-certificates [platform:rpm platform:dpkg]"]

    definition = tmp_path / "execution-environment.yml"
    definition.write_text(yaml.safe_dump({
        "version": 3,
        "images": {"base_image": {"name": "quay.io/ansible/awx-ee:latest"}},
        "dependencies": {"python": str(installed / "requirements.txt"), "system": str(installed / "bindep.txt"),
                         "galaxy": {"collections": [{"name": str(artifact), "type": "file"}]}}}))
    context = tmp_path / "context"
    proc = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", str(definition), "--context", str(context)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "requests>=2.25" in (context / "_build" / "requirements.txt").read_text()
    assert "ca-certificates" in (context / "_build" / "bindep.txt").read_text()


def test_supported_versions_agree():
    """meta/runtime.yml's requires_ansible, the README's support table, noxfile.py's matrix and the main
    virtualenv's requirement name the same ansible-core versions: the ones `make test` runs."""
    from packaging.specifiers import SpecifierSet

    spec = importlib.util.spec_from_file_location("noxfile_under_test", str(ROOT / "noxfile.py"))
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)
    tested = dict([noxfile.NEWEST] + noxfile.OLDER)
    declared = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"]
    requires = SpecifierSet(declared)
    for minor in ["2.%d" % n for n in range(10, 30)]:
        assert (minor + ".0" in requires) == (minor in tested), minor
    readme = (ROOT / "README.md").read_text().split("## Supported versions", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in readme.splitlines() if line.startswith("| 2.")]
    assert {core.strip(): python.strip() for core, python in rows} == tested
    assert "`requires_ansible: %s`" % declared in readme
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert "ansible-core>=%s,<2.%d" % (noxfile.NEWEST[0], int(noxfile.NEWEST[0].split(".")[1]) + 1) in dev
    assert "PYTHON ?= python%s" % noxfile.NEWEST[1] in (ROOT / "Makefile").read_text()
    assert "OLDER := %s\n" % " ".join(core for core, _python in noxfile.OLDER) in (ROOT / "Makefile").read_text()
