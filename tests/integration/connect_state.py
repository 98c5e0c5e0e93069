"""What the integration tests read from a stand-in: content by owner and name, and the writes it was sent."""


def content_by(server, owner, name):
    """The content item `name` that the user `owner` owns (the stand-in's record)."""
    owner_guid = server.state.user_by_username(owner)["guid"]
    return next(c for c in server.state.content.values() if c["owner_guid"] == owner_guid and c["name"] == name)


def writes(server):
    """(method, path) of every write the stand-in was sent since its log was last cleared."""
    return [(e["method"], e["path"]) for e in server.writes()]
