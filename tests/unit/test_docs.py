"""The generated references under docs/ match the sources, and ansible-doc renders every module."""

import ast
import filecmp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def action_group_modules():
    """Modules of the `connect` action group (meta/runtime.yml) that exist in plugins/modules."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    group = runtime["action_groups"]["connect"]
    return [m for m in group if (ROOT / "plugins" / "modules" / (m + ".py")).exists()]


@pytest.fixture(scope="module")
def collections_path(tmp_path_factory):
    """A collections path holding this work tree as posit.connect."""
    path = tmp_path_factory.mktemp("collections")
    (path / "ansible_collections" / "posit").mkdir(parents=True)
    (path / "ansible_collections" / "posit" / "connect").symlink_to(ROOT)
    return path


def test_generated_docs_are_current(tmp_path):
    """docs/reference (antsibull-docs' output), the event source's page and the module lists of README.md and
    docs/README.md are what `make docs` writes now."""
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "generate.py"), "--dest", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stale = []
    for sub in ("docs/reference", "docs/docsite/rst"):
        fresh = sorted(str(p.relative_to(tmp_path / sub)) for p in (tmp_path / sub).rglob("*.rst"))
        committed = sorted(str(p.relative_to(ROOT / sub)) for p in (ROOT / sub).rglob("*.rst"))
        stale += ["%s/%s (missing)" % (sub, n) for n in fresh if n not in committed]
        stale += ["%s/%s (no longer generated)" % (sub, n) for n in committed if n not in fresh]
        stale += ["%s/%s (differs)" % (sub, n) for n in fresh if n in committed
                  and not filecmp.cmp(str(tmp_path / sub / n), str(ROOT / sub / n), shallow=False)]
    for page in ("README.md", "docs/README.md"):
        if not filecmp.cmp(str(tmp_path / page), str(ROOT / page), shallow=False):
            stale.append("%s (its generated module list differs)" % page)
    assert not stale, "generated docs are out of date; run `make docs` and commit:\n  " + "\n  ".join(stale)


def test_reference_covers_every_plugin_role_and_the_event_source():
    """The reference names every module, filter and role, and links the event source's page."""
    reference = ROOT / "docs" / "reference"
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
    roles = sorted(p.parent.parent.name for p in (ROOT / "roles").glob("*/meta/argument_specs.yml"))
    assert [m for m in modules if not (reference / (m + "_module.rst")).exists()] == []
    assert [r for r in roles if not (reference / (r + "_role.rst")).exists()] == []
    assert list(reference.glob("*_filter.rst"))
    index = (reference / "index.rst").read_text()
    assert "docsite/audit_events_event_source.rst" in index
    page = (reference / "docsite" / "audit_events_event_source.rst").read_text()
    for option in ("server", "api_key", "interval", "checkpoint", "since"):
        assert "   * - ``%s``" % option in page
    assert ":envvar:" not in page  # GitHub's RST renderer has no such role


def test_docs_lint_and_generator_use_antsibull_docs():
    """No home-made markup converter: the generator calls antsibull-docs and its parser."""
    source = (ROOT / "docs" / "generate.py").read_text()
    assert "antsibull_docs_parser" in source and '"collection", "--use-current"' in source
    # no regular expression of Ansible markup (I(), C(), O(), M(), ...): antsibull-docs' parser reads it
    strings = [node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant)
               and isinstance(node.value, str)]
    assert not [text for text in strings if re.search(r"(?:^|\W|\\b)(?:[IBCOVEMLUP]|RV|\(\?:[A-Z|]+\))\\\(", text)]
    assert "antsibull-docs lint-collection-docs --plugin-docs" in (ROOT / "Makefile").read_text()


def test_every_module_is_in_the_action_group():
    modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if not p.name.startswith("_"))
    group = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]["connect"]
    assert [m for m in modules if m not in group] == []


@pytest.mark.parametrize("module", action_group_modules())
def test_ansible_doc_renders(module, collections_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections_path), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([str(BIN / "ansible-doc"), "posit.connect." + module], env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "> MODULE posit.connect.%s" % module in proc.stdout
    for section in ("OPTIONS", "EXAMPLES:", "RETURN VALUES:"):
        assert "\n" + section in proc.stdout, "ansible-doc shows no %s for %s" % (section, module)
    assert "[WARNING]" not in proc.stderr and "[ERROR]" not in proc.stderr, proc.stderr


def batch_modules():
    """The modules with a batch form, from their code: built with batch_form, or reconciled with a batch= choice."""
    return sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("connect_*.py")
                  if re.search(r"\bbatch_form\(|\breconcile\([^)]*\bbatch=", p.read_text()))


BATCH_MODULES = batch_modules()


def test_batch_modules_are_found_in_the_code():
    assert {"connect_content", "connect_content_permission", "connect_deploy", "connect_group", "connect_tag",
            "connect_user"} <= set(BATCH_MODULES)


@pytest.mark.parametrize("module", BATCH_MODULES)
def test_batch_modules_document_the_same_summary(module):
    """Each batch module's RETURN (written in each module, since RETURN takes no fragments) has the engine's summary."""
    source = (ROOT / "plugins" / "modules" / (module + ".py")).read_text()
    returns = yaml.safe_load(source.split('RETURN = r"""', 1)[1].split('"""', 1)[0])
    assert {"results", "changed_count", "failed_count", "failed_items"} <= set(returns)
    assert (returns["changed_count"]["type"], returns["failed_count"]["type"]) == ("int", "int")
    assert (returns["failed_items"]["type"], returns["failed_items"]["elements"]) == ("list", "dict")
    assert "C(msg)" in returns["failed_items"]["description"]
    results = returns["results"]
    assert "status" in results.get("contains", {}) or "C(status)" in str(results["description"]), "results: no status"


def fragment_variants():
    """(fragment, variant) for every documentation string of every doc fragment, built or literal."""
    from importlib import import_module
    for path in sorted((ROOT / "plugins" / "doc_fragments").glob("*.py")):
        fragment = import_module("ansible_collections.posit.connect.plugins.doc_fragments." + path.stem)
        for name, value in sorted(vars(fragment.ModuleDocFragment).items()):
            if name.isupper() and isinstance(value, str):
                yield path.stem, name, value


@pytest.mark.parametrize("fragment,variant,text", list(fragment_variants()), ids=lambda v: v if len(v) < 40 else "")
def test_doc_fragments_pass_ansible_tests_yamllint(fragment, variant, text):
    """Every fragment variant, also those built after the class, passes the yamllint rules ansible-test uses."""
    import ansible_test
    from yamllint import linter
    from yamllint.config import YamlLintConfig
    rules = Path(ansible_test.__file__).parent / "_util" / "controller" / "sanity" / "yamllint" / "config" / "modules.yml"
    problems = list(linter.run(text.lstrip("\n"), YamlLintConfig(file=str(rules))))
    assert not problems, "%s.%s: %s" % (fragment, variant, "; ".join("%s:%s %s" % (p.line, p.column, p.desc) for p in problems))
    parsed = yaml.safe_load(text)
    assert isinstance(parsed, dict) and parsed, "%s.%s is no YAML mapping" % (fragment, variant)


def test_readme_layout_names_every_module_utils_file():
    """The README's layout paragraph names every file of plugins/module_utils (the architecture at a glance)."""
    layout = (ROOT / "README.md").read_text().split("The layout, by job", 1)[1].split("\n\n", 1)[0]
    files = sorted(p.relative_to(ROOT / "plugins" / "module_utils") for p in (ROOT / "plugins" / "module_utils").rglob("*.py")
                   if p.name != "__init__.py")
    assert [str(f) for f in files if not re.search(r"[`/]%s`" % re.escape(f.name), layout)] == []
