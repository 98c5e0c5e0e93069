"""The generated references under docs/ match the sources, and ansible-doc renders every module."""

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
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "generate.py"), "--dest", str(tmp_path),
                           "--readme", str(tmp_path / "README.top.md")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stale = []
    for sub in ("modules", "roles", "filters"):
        fresh = sorted(p.name for p in (tmp_path / sub).glob("*.md"))
        committed = sorted(p.name for p in (ROOT / "docs" / sub).glob("*.md"))
        stale += ["docs/%s/%s (missing)" % (sub, n) for n in fresh if n not in committed]
        stale += ["docs/%s/%s (no longer generated)" % (sub, n) for n in committed if n not in fresh]
        stale += ["docs/%s/%s (differs)" % (sub, n) for n in fresh if n in committed
                  and not filecmp.cmp(str(tmp_path / sub / n), str(ROOT / "docs" / sub / n), shallow=False)]
    for fresh, committed in (("README.md", "docs/README.md"), ("README.top.md", "README.md")):
        if not filecmp.cmp(str(tmp_path / fresh), str(ROOT / committed), shallow=False):
            stale.append("%s (its generated module list differs)" % committed)
    assert not stale, "generated docs are out of date; run `make docs` and commit:\n  " + "\n  ".join(stale)


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
