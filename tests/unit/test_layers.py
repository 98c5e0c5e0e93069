"""plugins/module_utils is layered by folder (README.md, "The layout, by job"): a file imports only from its own
folder and the folders of lower layers, so that the client knows nothing of Connect's concepts, a concept knows
nothing of the engine, and no module utility reaches into a resource it does not own."""

import ast

from playbook_runs import ROOT

PACKAGE = "ansible_collections.posit.connect.plugins.module_utils."
UTILS = ROOT / "plugins" / "module_utils"
LAYERS = ("api", "files", "concepts", "engine", "resources")  # lowest first


def imports(path):
    """The module_utils modules a file imports, as (folder, name)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            parts = node.module[len(PACKAGE):].split(".")
            if len(parts) == 1:  # from ...module_utils.<folder> import <module>
                found |= {(parts[0], alias.name) for alias in node.names}
            else:
                found.add((parts[0], parts[1]))
    return found


def test_every_module_utils_file_is_in_a_layer_folder():
    assert sorted(str(p.relative_to(UTILS)) for p in UTILS.glob("*.py") if p.name != "__init__.py") == []
    assert sorted(p.name for p in UTILS.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)


def test_no_file_imports_a_higher_layer():
    wrong = []
    for layer in LAYERS:
        for path in sorted((UTILS / layer).glob("*.py")):
            for folder, name in sorted(imports(path)):
                if folder not in LAYERS or LAYERS.index(folder) > LAYERS.index(layer):
                    wrong.append("%s/%s imports %s.%s" % (layer, path.name, folder, name))
    assert wrong == []


def test_the_check_sees_imports_in_both_forms(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("from %sapi.client import ConnectClient\nfrom %sresources import group\n" % (PACKAGE, PACKAGE))
    assert imports(source) == {("api", "client"), ("resources", "group")}
