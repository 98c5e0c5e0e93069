"""resources/exec_environment.py and concepts/exec_environments.py with no server: what is refused before any
write (managed_by, fields this server does not report), how installations compare and what a PUT carries."""

from ansible_collections.posit.connect.plugins.module_utils.concepts.exec_environments import installation_set
from ansible_collections.posit.connect.plugins.module_utils.engine.engine import Engine
from ansible_collections.posit.connect.plugins.module_utils.resources.exec_environment import ExecEnvironmentResource

GUID = "25438b83-ea6d-4839-ae8e-53c52ac5f9ce"
PY = {"installations": [{"version": "3.12.4", "path": "/opt/python/3.12.4/bin/python3"}]}


class Client:
    """The few ConnectClient calls the resource makes, answered from one environment; writes are recorded."""

    def __init__(self, environment, version="2026.01.0"):
        self.environment = environment
        self.settings = dict(version=version)
        self.writes = []

    def server_settings(self):
        return self.settings

    def version(self):
        return tuple(int(p) for p in self.settings["version"].split("."))

    def get(self, path, params=None):
        assert path == "v1/environments", path
        return [self.environment]

    def put(self, path, body=None):
        self.writes.append(("PUT", path, body))
        return dict(self.environment, **body)

    def delete(self, path):
        self.writes.append(("DELETE", path))

    def map_concurrent(self, func, items, concurrency=8):
        return [(item, func(item), None) for item in items]


def recorded(**fields):
    """The recorded environment (fixtures/posit-sdk-py/__api__/v1/environments.json), with changes."""
    return dict({"id": "314", "guid": GUID, "title": "Project Alpha", "description": "desc", "cluster_name": "Kubernetes",
                 "name": "ghcr.io/rstudio/content-base:r4.1.3", "environment_type": "Kubernetes", "matching": "any",
                 "supervisor": "/usr/local/bin/supervisor.sh", "python": PY, "quarto": None, "r": None,
                 "tensorflow": None}, **fields)


def run(client, warnings=None, **options):
    top = dict(dict.fromkeys(("guid", "cluster_name", "title", "description", "matching", "supervisor", "python", "r",
                              "quarto", "tensorflow", "nodejs", "volume_mounts", "permissions")),
               name=recorded()["name"], state="present", purge_permissions=False)
    top.update(options)
    engine = Engine(client, warn=(warnings if warnings is not None else []).append)
    return engine.run(ExecEnvironmentResource, top)[1][0]


def test_managed_by_is_refused_before_any_write():
    client = Client(recorded(managed_by="config"))
    item = run(client, title="new")
    assert item.status == "failed" and "managed_by" in item.msg and "'config'" in item.msg, item.msg
    item = run(client, state="absent")
    assert item.status == "failed" and "managed_by" in item.msg and "deleted" in item.msg, item.msg
    assert run(client, title="Project Alpha").status == "unchanged"
    assert client.writes == []


def test_a_field_the_server_does_not_report_is_sent_with_other_changes_never_alone():
    client, warnings = Client(recorded()), []
    node = [{"version": "20.11.0", "path": "/opt/node/bin/node"}]
    item = run(client, warnings, nodejs=node)
    assert item.status == "unchanged" and client.writes == []
    assert "does not report nodejs" in warnings[0] and "2026.01.0" in warnings[0], warnings
    item = run(client, warnings, nodejs=node, title="new")
    assert item.status == "updated" and sorted(item.changes) == ["title"]
    assert client.writes[0][2]["nodejs"] == {"installations": node} and client.writes[0][2]["title"] == "new"


def test_the_put_carries_every_reported_field_with_the_users_merged_in():
    client = Client(recorded())
    item = run(client, r=[{"version": "4.4.1", "path": "/opt/R/4.4.1/bin/R"}])
    assert item.status == "updated"
    body = client.writes[0][2]
    assert body == {"title": "Project Alpha", "description": "desc", "matching": "any",
                    "supervisor": "/usr/local/bin/supervisor.sh", "python": PY, "quarto": None, "tensorflow": None,
                    "r": {"installations": [{"version": "4.4.1", "path": "/opt/R/4.4.1/bin/R"}]}}


def test_installations_compare_as_sets():
    one = {"version": "3.12.4", "path": "/a"}
    two = {"version": "3.11.9", "path": "/b"}
    assert installation_set({"installations": [one, two]}) == installation_set([two, one])
    assert installation_set(None) == installation_set({"installations": []}) == installation_set([])
    assert installation_set([one]) != installation_set([dict(one, path="/c")])


def test_the_image_and_the_cluster_are_never_sent_for_change():
    client = Client(recorded())
    item = run(client, guid=GUID, name="ghcr.io/other:1", title="new")
    assert item.status == "failed" and "Option 'name'" in item.msg and "ImmutableFields" in item.msg, item.msg
    item = run(client, cluster_name="Other", title="new")
    assert item.status == "failed" and "Option 'cluster_name'" in item.msg, item.msg
    assert client.writes == []
