#!/usr/bin/env python3
"""Run `ansible-test sanity` on a copy of the collection as it is released.

ansible-test needs the collection at .../ansible_collections/posit/connect and lists its files with git, so:
  1. copy the git-tracked files that `ansible-galaxy collection build` would ship (galaxy.yml's build_ignore)
     to build/sanity/ansible_collections/posit/connect (untracked files never reach the copy);
  2. make that copy its own git repository (otherwise ansible-test finds this repository's .git above it,
     where build/ is ignored, and sees no files at all);
  3. put the shared pip bootstrap script where ansible-test caches its own (its download host is unreachable
     here, see ../shared/GUIDE.md);
  4. run `ansible-test sanity --requirements` for one Python version (3.11 unless --python is given);
     any other arguments (e.g. --test pylint) are passed on.
`--untracked` also copies files git does not track yet (not ignored ones): check a new module before committing it.
The ignore files under tests/sanity/ must stay empty: a failure is fixed, not ignored.
"""

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COPY = os.path.join(ROOT, "build", "sanity", "ansible_collections", "posit", "connect")
BOOTSTRAP = os.path.join(os.path.dirname(ROOT), "shared", "tools", "ansible-test-pip-bootstrap.py")
DEFAULT_PYTHON = "3.11"


def released_files(untracked=False):
    """Git-tracked files that survive galaxy.yml's build_ignore (matched like ansible-galaxy does)."""
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        patterns = yaml.safe_load(handle).get("build_ignore") or []
    command = ["git", "ls-files", "-z", "--cached"] + (["--others", "--exclude-standard"] if untracked else [])
    tracked = subprocess.run(command, cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    files = []
    for path in sorted(set(p for p in tracked if p)):
        if not os.path.lexists(os.path.join(ROOT, path)):
            continue  # deleted in the work tree
        parts = path.split("/")
        prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        if any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes for pattern in patterns):
            continue
        files.append(path)
    return files


def make_copy(files):
    shutil.rmtree(COPY, ignore_errors=True)
    for path in files:
        source, target = os.path.join(ROOT, path), os.path.join(COPY, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
    subprocess.run(["git", "init", "-q", COPY], check=True)
    with open(os.path.join(COPY, ".git", "info", "exclude"), "a") as handle:
        handle.write("/tests/output/\n__pycache__/\n*.pyc\n")


def install_pip_bootstrap():
    import ansible_test
    requirements = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(requirements) as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    version = match.group(1) if match else "24.2"
    cache = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % version.replace(".", "_"))
    if os.path.exists(BOOTSTRAP):
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        shutil.copyfile(BOOTSTRAP, cache)
    elif not os.path.exists(cache):
        print("note: %s not found; ansible-test will try to download its pip bootstrap" % BOOTSTRAP)


def check_ignore_files():
    sanity_dir = os.path.join(ROOT, "tests", "sanity")
    for name in sorted(os.listdir(sanity_dir)) if os.path.isdir(sanity_dir) else []:
        path = os.path.join(sanity_dir, name)
        if name.startswith("ignore-") and os.path.getsize(path) and open(path).read().strip():
            sys.exit("tests/sanity/%s is not empty: fix the sanity failures instead of ignoring them" % name)


def main(argv):
    check_ignore_files()
    args = list(argv)
    untracked = "--untracked" in args
    args = [a for a in args if a != "--untracked"]
    make_copy(released_files(untracked))
    install_pip_bootstrap()
    if not any(a == "--python" or a.startswith("--python=") for a in args):
        args = ["--python", DEFAULT_PYTHON] + args
    ansible_test = os.path.join(os.path.dirname(sys.executable), "ansible-test")
    start = time.time()
    proc = subprocess.run([ansible_test, "sanity", "--requirements", "--color", "no"] + args, cwd=COPY, check=False)
    print("ansible-test sanity: rc=%d in %.0f s" % (proc.returncode, time.time() - start))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
