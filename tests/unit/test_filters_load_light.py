"""Ansible imports every filter file of a collection to find one filter, on every task that uses a filter: the
filter files load no HTTP client (neither requests nor the collection's client), only pure module utilities."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILTERS = sorted(p.stem for p in (ROOT / "plugins" / "filter").glob("*.py"))
PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
importlib.import_module("ansible_collections.posit.connect.plugins.filter." + sys.argv[2])
print(json.dumps(sorted(m for m in sys.modules if m == "requests" or m.endswith("module_utils.api.client"))))
"""


@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_file_loads_no_http_client(name):
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "build" / "collections"), name],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    assert out.strip() == "[]", (name, out)


def test_the_probe_sees_the_client_when_it_is_loaded():
    probe = PROBE.replace('"ansible_collections.posit.connect.plugins.filter." + sys.argv[2]',
                          '"ansible_collections.posit.connect.plugins.module_utils.api." + sys.argv[2]')
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT / "build" / "collections"), "client"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    assert "requests" in out
