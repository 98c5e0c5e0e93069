"""The older ansible-core versions of `make test`, each in its own virtualenv under .nox/.

`make test` runs the whole suite in .venv on the newest ansible-core the collection supports (2.21, Python 3.13).
Every other version that meta/runtime.yml's `requires_ansible` admits gets a session here, on the oldest Python
pyenv provides for it: `ansible-test sanity` of the collection (what the artifact holds), the unit tests and each
role's end-to-end integration test (ROLE_TESTS).

  python -m nox            # every version (what `make test` runs)
  python -m nox -s "older(2.19)"
  python -m nox -l         # the sessions

The Pythons come from pyenv: the Makefile exports PYENV_VERSION so that its shims offer python3.11 to python3.13.
"""

import glob
import os

import nox

# Keep in step with meta/runtime.yml (requires_ansible) and the README's support table;
# tests/unit/test_build.py checks that the three agree.
NEWEST = ("2.21", "3.13")  # the main virtualenv (.venv): the Makefile's PYTHON and requirements-dev.txt
OLDER = [("2.19", "3.11"), ("2.20", "3.12")]  # (ansible-core, Python): this file's sessions

ROOT = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = os.path.join(ROOT, "build", "collections")
# The collection as users install it: ansible-test sanity of these on every version (the tests, the stand-in,
# bench/, tools/ and docs/generate.py are the project's own tools and run on the newest ansible-core only).
COLLECTION = ["plugins/", "extensions/", "roles/", "meta/", "playbooks/", "changelogs/"]
# Each role's end-to-end test (a run against the stand-in, its rerun, its check mode or dry run); the other role tests
# (check mode set every way, input checks, hostile data, booleans given as text) run on the newest only: for
# content_promote, check mode on the play, the block and the include and the role's dry run (four more runs of the role)
# are test_role_content_promote.py::test_every_way_of_asking_for_check_mode_and_the_dry_run_write_nothing.
ROLE_TESTS = [
    "tests/integration/test_role_audit_export.py::test_incremental_runs_append_only_new_entries_on_both_api_paths",
    "tests/integration/test_role_content_as_code.py::test_export_then_plan_reports_zero_drift",
    "tests/integration/test_role_content_as_code.py::test_apply_converges_and_prune_is_double_guarded",
    "tests/integration/test_role_content_promote.py::test_promote_then_nothing_to_upload",
    "tests/integration/test_role_content_rebuild.py::test_rebuilds_what_runs_an_old_r_with_a_report",
    "tests/integration/test_role_content_report.py::test_files_rows_permissions_and_usage",
    "tests/integration/test_role_content_report.py::test_the_page_in_a_real_browser",
    "tests/integration/test_role_ownership_handoff.py::"
    "test_dry_run_check_mode_and_diff_write_nothing_then_the_move_and_rerun",
    "tests/integration/test_role_user_offboarding.py::test_dry_run_then_run_then_rerun",
]
# The committed references are rendered by the newest ansible-core's ansible-doc (make docs), and ansible-builder
# is a tool of the main virtualenv: not re-checked here.
NEWEST_ONLY = ["tests/unit/test_docs.py::test_generated_docs_are_current",
               "tests/unit/test_build.py::test_supported_versions_agree",  # reads this file, which imports nox
               "tests/unit/test_build.py::test_artifact_names_its_dependencies_for_an_execution_environment"]

nox.options.sessions = ["older"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


@nox.session
@nox.parametrize("python,ansible_core", [(python, core) for core, python in OLDER], ids=[version[0] for version in OLDER])
def older(session, ansible_core):
    """Sanity, unit tests and the roles' integration tests on one older ansible-core."""
    session.install("ansible-core==%s.*" % ansible_core, "-r", "requirements.txt", "-r", "requirements-test.txt")
    python = os.path.join(session.virtualenv.bin, "python")
    env = {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_PYTHON_INTERPRETER": python}
    session.run("python", "tools/sanity.py", *COLLECTION, env=env)
    deselect = [arg for test in NEWEST_ONLY for arg in ("--deselect", test)]
    # The role tests (tens of seconds each) first, the short unit tests after them: a worker that runs out of work
    # steals from the end of the other's queue, so the run ends on short tests rather than on a long one.
    session.run("python", "-m", "pytest", "-q", "-n", "2", "--dist", "worksteal", "-p", "no:cacheprovider", *ROLE_TESTS, "tests/unit", *deselect,
                env=env)


GALAXY_IMPORTER_CONFIG = """[galaxy-importer]
# galaxy-importer's defaults, as Galaxy imports an upload; ansible-test runs in make lint and the older sessions,
# not in the importer's container.
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
CHECK_REQUIRED_TAGS = False
LOG_LEVEL_MAIN = INFO
"""


@nox.session(python=NEWEST[1])
def galaxy_importer(session):
    """Build the release artifact and check it with galaxy-importer, as Galaxy does on upload: no warning allowed."""
    # galaxy-importer pins attrs, flake8 and ansible-lint below what the main virtualenv has: its own one.
    session.install("galaxy-importer>=0.4.30", "ansible-core==%s.*" % NEWEST[0], "-r", "requirements-test.txt")
    tmp = os.path.abspath(session.create_tmp())
    for old in glob.glob(os.path.join(tmp, "*.tar.gz")):
        os.remove(old)
    session.run("ansible-galaxy", "collection", "build", "--force", "--output-path", tmp, ROOT, silent=True)
    (artifact,) = glob.glob(os.path.join(tmp, "posit-connect-*.tar.gz"))
    config = os.path.join(tmp, "galaxy-importer.cfg")
    with open(config, "w") as handle:
        handle.write(GALAXY_IMPORTER_CONFIG)
    session.chdir(tmp)  # the importer writes importer_result.json where it runs
    output = session.run("python", "-m", "galaxy_importer.main", artifact, silent=True,
                         env={"GALAXY_IMPORTER_CONFIG": config, "ANSIBLE_LOCAL_TEMP": os.path.join(tmp, "ansible")})
    print(output)
    warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
    if warnings:
        session.error("galaxy-importer warned about the artifact:\n" + "\n".join(warnings))
