"""Run `ansible-test sanity` on the whole checkout, as a community collection's CI does.

ansible-test needs the collection at .../ansible_collections/posit/connect and lists its files with git, so:
  1. copy every git-tracked file (tests/, bench/, tools/ and docs/generate.py included, not only what
     `ansible-galaxy collection build` ships) to build/sanity/<python>/ansible_collections/posit/connect, one copy per
     Python, so that `make test` runs the sanity of each ansible-core side by side;
  2. make that copy its own git repository (otherwise ansible-test finds this repository's .git above it,
     where build/ is ignored, and sees no files at all);
  3. put tools/ansible-test-pip-bootstrap.py where ansible-test caches its pip bootstrap script (which it
     otherwise downloads, from a host that a machine without internet access cannot reach);
  4. run `ansible-test sanity --requirements` for one Python version (the running one unless --python is given:
     `make lint` runs it in .venv, noxfile.py in each older ansible-core's virtualenv);
     any other arguments (e.g. --test pylint) are passed on.
`--untracked` also copies files git does not track yet (not ignored ones): check a new module before committing it.
The ignore files under tests/sanity/ must stay empty: a failure is fixed, not ignored.
"""

import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COPY = os.path.join(ROOT, "build", "sanity", "%d.%d" % sys.version_info[:2], "ansible_collections", "posit", "connect")
BOOTSTRAP = os.path.join(ROOT, "tools", "ansible-test-pip-bootstrap.py")
DEFAULT_PYTHON = "%d.%d" % sys.version_info[:2]


def checkout_files(untracked=False):
    """The files git tracks (and, with `untracked`, those it does not ignore) that exist in the work tree."""
    command = ["git", "ls-files", "-z", "--cached"] + (["--others", "--exclude-standard"] if untracked else [])
    listed = subprocess.run(command, cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    return sorted(set(p for p in listed if p and os.path.lexists(os.path.join(ROOT, p))))


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
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    partial = "%s.%d" % (cache, os.getpid())  # replaced whole: another ansible-core's sanity may be reading it
    shutil.copyfile(BOOTSTRAP, partial)
    os.replace(partial, cache)


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
    make_copy(checkout_files(untracked))
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
