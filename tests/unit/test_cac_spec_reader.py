"""connect_content_spec's reader of a spec file: the same data as Ansible's DataLoader (what include_vars read the
file with), vault and !unsafe included, built one item at a time."""

import tracemalloc
from types import SimpleNamespace

import pytest
import yaml

from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.template import is_trusted_as_template

from ansible_collections.posit.connect.plugins.action.connect_content_spec import ActionModule

SPECS = {
    "items": "items:\n- {name: a, owner: dave, tags: [X/Y], settings: {max_processes: 3}}\n- name: b\n  guid: null\n",
    "anchors": "base: &base {owner: dave, title: T}\nitems:\n- <<: *base\n  name: a\n- &item {name: b, owner: erin}\n- *item\n",
    "templates": "items:\n- name: a\n  description: \"{{ vault_x }}\"\n  title: !unsafe \"{{ lookup('pipe','touch X') }}\"\n",
    "a list": "- name: a\n",
    "empty": "",
    "no items": "environments: [{name: img}]\n",
    "items as mapping": "items: {name: a}\n",
    "anchored items": "items: &all\n- {name: a}\nother: *all\n",
    "json": '{"items": [{"name": "a", "owner": "dave"}]}',
    "duplicate keys": "items:\n- {name: a, owner: dave, name: b}\n",  # Ansible warns; the last one counts
    "other scalars": "items:\n- {name: a, settings: {max_processes: 3, load_factor: 0.5}, locked: no, when: 2024-01-01}\n",
}


def read(path):
    return ActionModule._read(SimpleNamespace(_loader=DataLoader()), str(path))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_reader_gives_what_ansibles_loader_gives(tmp_path, name):
    path = tmp_path / "spec.yml"
    path.write_text(SPECS[name])
    assert read(path) == DataLoader().load_from_file(str(path), cache="none", trusted_as_template=True)


def test_text_that_may_be_a_template_is_trusted_unless_unsafe_and_the_rest_is_plain(tmp_path):
    path = tmp_path / "spec.yml"
    path.write_text(SPECS["templates"])
    item = read(path)["items"][0]
    assert is_trusted_as_template(item["description"]) and not is_trusted_as_template(item["title"])
    assert item["name"].__class__ is str  # no tag of where it was read


def test_broken_yaml_and_two_documents_are_errors(tmp_path):
    path = tmp_path / "spec.yml"
    path.write_text("items:\n- name: a\n  owner: [dave\n")
    with pytest.raises(yaml.YAMLError):
        read(path)
    path.write_text("items: []\n---\nitems: []\n")
    with pytest.raises(AnsibleError, match="more than one YAML document"):
        read(path)


def test_a_large_spec_is_read_in_a_fraction_of_the_memory_of_a_whole_document(tmp_path):
    """Issue 29: PyYAML composes a whole document before building it and Ansible tags every value; at 10,000 items
    that took 110 MiB for a 1.2 MiB file. Read one item at a time, the peak is a fraction of it."""
    path = tmp_path / "spec.yml"
    path.write_text(yaml.safe_dump({"items": [dict(name="item-%05d" % n, owner="dave", tags=["Department/Sales"],
                                                   vanity_url="/item-%05d/" % n) for n in range(3000)]}))
    peaks = []
    for load in (read, lambda p: DataLoader().load_from_file(str(p), cache="none", unsafe=True, trusted_as_template=True)):
        tracemalloc.start()
        data = load(path)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert len(data["items"]) == 3000
    assert peaks[0] < peaks[1] / 3, peaks
