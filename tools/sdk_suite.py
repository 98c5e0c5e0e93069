"""Run posit-sdk's own integration suite against the Connect stand-in (`make sdk-suite`, part of `make test`).

Downloads the pinned posit-sdk sdist from PyPI once (cached under .cache/posit-sdk/, nothing vendored),
installs the same pinned posit-sdk into this virtualenv when another version is there, and runs the sdist's
integration/tests with pytest and tests/sdk_suite/standin_plugin.py: a fresh stand-in per test module, the
expected failures of tests/sdk_suite/expected_failures.txt marked strict xfail.

    python tools/sdk_suite.py [pytest arguments, e.g. -k test_groups, -n 0, posit/connect/test_groups.py]

Test paths are relative to the sdist's integration/tests (as in expected_failures.txt).
"""

import os
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

SDK_VERSION = "0.17.0"
ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "posit-sdk"
SDIST_DIR = CACHE / f"posit_sdk-{SDK_VERSION}"
PLUGIN_DIR = ROOT / "tests" / "sdk_suite"
STANDIN_DIR = ROOT / "tests" / "standin"


def pip(*args):
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args], check=True)


def fetch_sdist():
    """The unpacked sdist (downloaded on first use)."""
    if (SDIST_DIR / "integration" / "tests").is_dir():
        return SDIST_DIR
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"posit_sdk-{SDK_VERSION}.tar.gz"
    if not archive.exists():
        pip("download", "--no-deps", "--no-binary", ":all:", f"posit-sdk=={SDK_VERSION}",
            "-d", str(CACHE))
    with tarfile.open(archive) as tar:
        tar.extractall(CACHE, filter="data")
    return SDIST_DIR


def ensure_installed():
    try:
        installed = metadata.version("posit-sdk")
    except metadata.PackageNotFoundError:
        installed = None
    if installed != SDK_VERSION:
        pip("install", f"posit-sdk=={SDK_VERSION}")


def main(argv):
    sdist = fetch_sdist()
    ensure_installed()
    args = [f"integration/tests/{arg}" if arg.startswith("posit/") else arg for arg in argv]
    if not any(arg.startswith("integration/tests/") for arg in args):
        args.append("integration/tests")
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in args):
        args = ["-n", "2", "--dist", "loadfile"] + args  # whole modules per worker: one stand-in each
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN_DIR), str(STANDIN_DIR),
                                                          environ.get("PYTHONPATH")]))
    for name in ("CONNECT_SERVER", "CONNECT_API_KEY"):  # the plugin sets them for each stand-in
        environ.pop(name, None)
    command = [sys.executable, "-m", "pytest", "-p", "standin_plugin", "-p", "no:cacheprovider", "-q", "-rfEX", *args]
    return subprocess.run(command, cwd=str(sdist), env=environ, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
