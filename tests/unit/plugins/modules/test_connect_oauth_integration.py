"""connect_oauth_integration and connect_oauth_integration_info called directly (pytest-ansible) against the
stand-in: input Connect would refuse fails before any write, naming the option; secrets never come back."""

SECRET = "unit-secret-7f3a"


def test_a_config_value_that_is_not_text_fails_before_any_request(standin, connect_module):
    result = connect_module("connect_oauth_integration", name="x", template="custom", config=dict(scopes=["a"]))
    assert result.get("failed") and "Option 'config'" in result["msg"] and "scopes" in result["msg"], result
    assert standin.requests == []


def test_a_new_integration_needs_a_known_template_and_its_keys(standin, connect_module):
    missing = connect_module("connect_oauth_integration", name="No template")
    unknown = connect_module("connect_oauth_integration", name="Bad template", template="no-such-template")
    bad_key = connect_module("connect_oauth_integration", name="Bad key", template="custom",
                             config=dict(client_id="client-id-value", tenant="tenant-value"))
    assert missing.get("failed") and "Option 'template' is required" in missing["msg"], missing
    assert unknown.get("failed") and "'no-such-template'" in unknown["msg"] and "custom" in unknown["msg"], unknown
    assert bad_key.get("failed") and "Option 'config'" in bad_key["msg"] and "tenant" in bad_key["msg"], bad_key
    assert standin.writes() == []


def test_the_template_cannot_change_and_secrets_never_come_back(standin, connect_module):
    created = connect_module("connect_oauth_integration", name="Unit", template="custom",
                             config=dict(auth_mode="Confidential", client_id="abc", client_secret=SECRET))
    assert created["changed"] and SECRET not in repr(created), created
    standin.clear_log()
    moved = connect_module("connect_oauth_integration", name="Unit", template="connect")
    assert moved.get("failed") and "Option 'template'" in moved["msg"] and "'custom'" in moved["msg"], moved
    info = connect_module("connect_oauth_integration_info", template="custom")
    assert [i["name"] for i in info["integrations"]] == ["Unit"] and SECRET not in repr(info)
    assert info["integrations"][0]["content_count"] == 0 and "associations" not in info["integrations"][0]
    assert standin.writes() == []


def test_a_bad_guid_names_the_option_before_any_request(standin, connect_module):
    result = connect_module("connect_oauth_integration", guid="not-a-guid")
    assert result.get("failed") and "Option 'guid'" in result["msg"], result
    assert standin.requests == []
