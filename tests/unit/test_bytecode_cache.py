"""tests/bytecode_cache/sitecustomize.py: a module imported from a zip (as from an AnsiballZ payload) is compiled once;
the next process loads the kept code, named after its own zip, and runs it the same."""

import json
import os
import subprocess
import sys
import zipfile

from playbook_runs import bytecode_cache_env

SOURCE = '''
def fail(text):
    raise ValueError(text)


class Thing:
    def name(self):
        return "thing"
'''
SCRIPT = '''
import json, sys, traceback
sys.path.insert(0, sys.argv[1])
from pkg import mod
try:
    mod.fail("boom")
except ValueError:
    where = traceback.extract_tb(sys.exc_info()[2])[-1].filename
print(json.dumps([mod.Thing().name(), mod.fail.__code__.co_filename, mod.Thing.name.__code__.co_filename, where]))
'''


def run(tmp_path, payload, cache):
    env = dict(os.environ, **bytecode_cache_env({"CONNECT_TEST_BYTECODE_CACHE": str(cache)}))
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(payload)], env=env, capture_output=True, text=True,
                          cwd=str(tmp_path), check=True)
    return json.loads(proc.stdout)


def test_a_module_from_a_zip_is_compiled_once_and_named_after_each_zip(tmp_path):
    cache = tmp_path / "cache"
    first, second = tmp_path / "one" / "payload.zip", tmp_path / "two" / "payload.zip"
    for payload in (first, second):
        payload.parent.mkdir()
        with zipfile.ZipFile(payload, "w") as archive:
            archive.writestr("pkg/__init__.py", "")
            archive.writestr("pkg/mod.py", SOURCE)
    assert run(tmp_path, first, cache) == ["thing"] + [str(first / "pkg" / "mod.py")] * 3
    kept = sorted(cache.iterdir())
    assert len(kept) == 2  # pkg/__init__.py and pkg/mod.py
    stamps = [path.stat().st_mtime_ns for path in kept]
    # the second payload (another task's, at another path): loaded from the cache, its own path in every name
    assert run(tmp_path, second, cache) == ["thing"] + [str(second / "pkg" / "mod.py")] * 3
    assert sorted(cache.iterdir()) == kept and [path.stat().st_mtime_ns for path in kept] == stamps
