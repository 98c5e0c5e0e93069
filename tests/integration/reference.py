"""Whether each request in a stand-in's log is an operation of Connect's reference (tests/fixtures/connect-api/openapi)
with only the query parameters it declares: the operations modules use nothing else."""

import re
from functools import lru_cache
from pathlib import Path

import yaml

OPENAPI = Path(__file__).resolve().parents[1] / "fixtures" / "connect-api" / "openapi"
UNVERSIONED = {("GET", "/server_settings")}  # the one unversioned read every client makes


@lru_cache(maxsize=None)
def operations():
    """[(method, path regex, declared query parameter names)] of every reference document."""
    found = []
    for document in sorted(OPENAPI.glob("*.yml")):
        spec = yaml.safe_load(document.read_text())
        for path, item in (spec.get("paths") or {}).items():
            shared = item.get("parameters") or []
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            for method, operation in item.items():
                if method == "parameters":
                    continue
                names = {p.get("name") for p in shared + (operation.get("parameters") or []) if p.get("in") == "query"}
                found.append((method.upper(), pattern, path, names))
    return found


def undeclared(requests):
    """The log entries that are no operation of the reference, or that send an undeclared query parameter."""
    problems = []
    for entry in requests:
        path = entry["path"].split("/__api__", 1)[-1]
        if (entry["method"], path) in UNVERSIONED:
            continue
        matches = [op for op in operations() if op[0] == entry["method"] and op[1].match(path)]
        if not matches:
            problems.append("%s %s: no operation" % (entry["method"], path))
            continue
        declared = set().union(*(op[3] for op in matches))
        extra = set(entry.get("query") or {}) - declared
        if extra:
            problems.append("%s %s: undeclared %s" % (entry["method"], path, sorted(extra)))
    return problems
