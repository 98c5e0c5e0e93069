"""Running ansible-playbook against a Connect stand-in, for the tests (tests/conftest.py's `playbook` fixture and the
integration tests import it; fixtures stay in conftest.py, which no test imports: tests/unit has a conftest.py of its
own, and both would be the module `conftest`)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS = ROOT / "build" / "collections"
sys.path.insert(0, str(ROOT / "tests" / "standin"))
sys.path.insert(0, str(COLLECTIONS))  # `make setup` links the repository there as posit.connect
CALLBACKS = ROOT / "tests" / "integration" / "callback_plugins"
BYTECODE_HOOK = ROOT / "tests" / "bytecode_cache"
BYTECODE_CACHE = ROOT / "build" / "test-bytecode"


def bytecode_cache_env(environ):
    """The variables that make the Python processes started with `environ` keep the bytecode of the modules' AnsiballZ
    payloads between tasks (tests/bytecode_cache/sitecustomize.py): PYTHONPATH with the hook first, and the cache
    folder (build/test-bytecode unless CONNECT_TEST_BYTECODE_CACHE names another; "off": no cache, nothing set)."""
    cache = environ.get("CONNECT_TEST_BYTECODE_CACHE") or str(BYTECODE_CACHE)
    if cache == "off":
        return {}
    path = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(BYTECODE_HOOK)]
    return {"PYTHONPATH": os.pathsep.join([str(BYTECODE_HOOK)] + path), "CONNECT_TEST_BYTECODE_CACHE": cache}


class PlaybookRun:
    """The outcome of one ansible-playbook run: rc, output and each task's result by name."""

    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results

    def __getitem__(self, task_name):
        try:
            return self.results[task_name]
        except KeyError:
            raise AssertionError("no task named %r ran; tasks: %s\n%s"
                                 % (task_name, list(self.results), self.stdout[-3000:]))

    def failed(self, expect):
        """Assert that every task failed and that each named task's message holds the expected text; return
        {task name: message}."""
        messages = {name: result.get("msg", "") for name, result in self.results.items()}
        assert all(result["_status"] == "failed" for result in self.results.values()), messages
        for name, text in expect.items():
            assert text in messages[name], (name, messages[name])
        return messages

    def ok(self):
        assert self.rc == 0, "ansible-playbook failed (rc=%s)\n%s\n%s" % (
            self.rc, self.stdout[-6000:], self.stderr[-3000:])
        return self


def run_playbook(text, server, tmp_path, timeout=600, **options):
    """Run a playbook (YAML text) with ansible-playbook against a stand-in; returns a PlaybookRun."""
    cmd, environ, out = playbook_command(text, server, tmp_path, **options)
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=str(tmp_path), env=environ, timeout=timeout, check=False)
    results = json.loads(out.read_text()) if out.exists() else {}
    return PlaybookRun(proc, results)


def playbook_command(text, server, tmp_path, api_key=None, check=False, diff=False, extra_vars=None, env=None,
                     verbosity=0):
    """(command, environment, results file) of an ansible-playbook run of a playbook (YAML text) against a stand-in."""
    tmp_path = Path(tmp_path)
    book = tmp_path / "play.yml"
    book.write_text(textwrap.dedent(text))
    out = tmp_path / "results.json"
    if out.exists():
        out.unlink()
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), str(book),
           "-i", "localhost,", "-c", "local"]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    environ = dict(os.environ)
    environ.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
        "ANSIBLE_CALLBACKS_ENABLED": "capture",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "CAPTURE_RESULTS_FILE": str(out),
        "CONNECT_SERVER": server.url,
        "CONNECT_API_KEY": api_key if api_key is not None else server.keys["admin"],
    })
    environ.update(env or {})
    for name in [name for name, value in environ.items() if value is None]:  # env={"NAME": None} unsets NAME
        del environ[name]
    return cmd, environ, out


def localhost_play(tasks, module_defaults=None):
    """A playbook of one play on localhost, without facts, that runs these tasks (YAML text of a task list at any
    indentation), with the play's module_defaults (a dict) if given."""
    head = "- hosts: localhost\n  gather_facts: false\n"
    if module_defaults:
        head += textwrap.indent(yaml.safe_dump({"module_defaults": module_defaults}, default_flow_style=False), "  ")
    return head + "  tasks:\n" + textwrap.indent(textwrap.dedent(tasks).strip("\n"), "    ") + "\n"


def role_play(role, fact):
    """A playbook that runs one of the collection's roles (variables via extra_vars) and shows its fact;
    the role's include is the task "role", the fact the task "fact"."""
    return """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: role
      ansible.builtin.include_role:
        name: posit.connect.%s
    - name: fact
      ansible.builtin.debug:
        var: %s
""" % (role, fact)
