"""content_as_code's filters and OAuth integrations: export writes the names, a spec's list is checked."""

import yaml

from ansible_collections.posit.connect.plugins.filter.content_as_code import cac_export, cac_problems, cac_spec_yaml

HOSTILE = "{{ lookup('pipe','touch X') }}\n\u2028=cmd|' /C calc'!A0"


def test_export_writes_integration_names_sorted_and_they_read_back():
    content = [dict(guid="g1", name="app", owner=dict(username="alice"), oauth_integrations=["Snowflake", HOSTILE]),
               dict(guid="g2", name="report", owner=dict(username="alice"), oauth_integrations=[])]
    items = cac_export(content)
    assert items[0]["oauth_integrations"] == sorted(["Snowflake", HOSTILE]) and "oauth_integrations" not in items[1]
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    exported = yaml.load(cac_spec_yaml(items), Loader=loader)["items"][0]["oauth_integrations"]
    assert exported == sorted(["Snowflake", HOSTILE])


def test_a_spec_whose_oauth_integrations_is_not_a_list_is_refused():
    problems = cac_problems([dict(name="app", owner="alice", oauth_integrations="Snowflake",
                                  purge_oauth_integrations=["yes"])])
    assert any("oauth_integrations must be a list" in p for p in problems), problems
    assert any("purge_oauth_integrations must be a single value" in p for p in problems), problems
