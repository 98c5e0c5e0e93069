"""Connect's error answers as the stand-in gives them (errors.py): its table of error names and codes, and the
answers to requests without a valid key or from a locked user."""

import json

from connect_standin.errors import CODES
from standin_helpers import REFERENCE, Client, error


def test_error_names_match_connects_table():
    table = json.loads((REFERENCE / "error-codes.json").read_text())
    for name, code in CODES.items():
        assert table[str(code)] == name


def test_authentication(demo):
    anonymous = Client(demo, None)
    error(anonymous.get("/__api__/v1/content"), 401, "AuthRequired")
    error(anonymous.get("/__api__/v1/user", headers={"Authorization": "Key nope"}), 401, "AuthRequired")
    error(anonymous.get("/__api__/v1/user", headers={"Authorization": f"Bearer {demo.keys['admin']}"}),
          401, "AuthRequired")
    error(Client(demo, "locked").get("/__api__/v1/user"), 401, "UserLocked")
    assert Client(demo, "viewer").ok("GET", "/__api__/v1/user")["username"] == "victor"
    settings = anonymous.ok("GET", "/__api__/server_settings")  # no key needed
    assert settings["version"] == "2025.09.0"
    assert {"hostname", "authentication", "license", "runtimes", "viewer_kiosk"} <= set(settings)
    assert settings["authentication"]["name"] == "Password"
