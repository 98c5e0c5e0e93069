# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which content uses which packages: the query behind connect_package_info, and version matching.

Knows nothing about Ansible: bad input raises InputError naming the option, Connect failures are the
client's ConnectError.

Versions: Python versions are compared with the packaging library (PEP 440 specifiers such as
``<2.32``, ``>=1.0,<2``, ``~=1.4``, ``==1.0.*``). R versions follow R's package_version: numbers
separated by ``.`` or ``-`` (``1.6-5`` is 1.6.5), compared number by number, a version with fewer
numbers sorting before a longer one it starts (``1.2`` < ``1.2.0``); the specifier is a comma-separated
list of ``==``, ``!=``, ``<``, ``<=``, ``>`` and ``>=`` clauses, all of which must hold.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import operator
import re

PACKAGING_IMPORT_ERROR = None
try:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError as exc:  # pragma: no cover - packaging ships with ansible-core
    PACKAGING_IMPORT_ERROR = exc

from ansible_collections.posit.connect.plugins.module_utils.api.client import MAX_PAGE_SIZE
from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import get_content, list_content
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid

PACKAGES_PATH = "v1/packages"
CONTENT_PACKAGES_PATH = "v1/content/%s/packages"
LANGUAGES = ("python", "r")
# The fields of Connect's Package record that rows keep (app_id and app_guid are deprecated aliases).
PACKAGE_FIELDS = ("language", "language_version", "name", "version", "hash", "bundle_id", "content_id",
                  "content_guid")

R_VERSION_RE = re.compile(r"^\d+([.-]\d+)*$")
R_CLAUSE_RE = re.compile(r"^\s*(==|!=|<=|>=|<|>)\s*(\S+)\s*$")
R_OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
               ">": operator.gt, ">=": operator.ge}


# -- versions ------------------------------------------------------------------

def r_version(text):
    """'1.6-5' -> (1, 6, 5); None when it is not an R package version."""
    text = str(text or "").strip()
    if not R_VERSION_RE.match(text):
        return None
    return tuple(int(part) for part in re.split(r"[.-]", text))


def _r_matcher(spec):
    clauses = []
    for clause in spec.split(","):
        match = R_CLAUSE_RE.match(clause)
        wanted = r_version(match.group(2)) if match else None
        if wanted is None:
            raise InputError("Option 'version': %r is not an R version specifier; use clauses such as <2.3.1, "
                             ">=1.0-5 or ==1.0.0 joined by commas (operators ==, !=, <, <=, >, >=)." % spec)
        clauses.append((R_OPERATORS[match.group(1)], wanted))

    def matches(version):
        found = r_version(version)
        return found is not None and all(compare(found, wanted) for compare, wanted in clauses)
    return matches


def _python_matcher(spec):
    try:
        specifiers = SpecifierSet(spec)
    except InvalidSpecifier:
        raise InputError("Option 'version': %r is not a Python version specifier (PEP 440); use for example "
                         "<2.32, >=1.0,<2, ~=1.4 or ==1.0.0." % spec)

    def matches(version):
        try:
            return specifiers.contains(Version(str(version)), prereleases=True)
        except InvalidVersion:
            return False
    return matches


def version_matchers(spec, language=None):
    """{language: matches(version)} for the languages compared; raises ValueError for a bad specifier.

    Without a language the specifier must be valid for both (an item may use Python or R).
    """
    if spec is None:
        return None
    spec = str(spec).strip()
    if not spec:
        raise InputError("Option 'version' is empty; give a specifier such as <2.32 or ==1.0.0, or omit it.")
    languages = [language] if language else list(LANGUAGES)
    matchers = {}
    for lang in languages:
        try:
            matchers[lang] = _python_matcher(spec) if lang == "python" else _r_matcher(spec)
        except ValueError as exc:
            if language:
                raise
            raise InputError("%s Set 'language' to the package's language (python or r) to compare with that "
                             "language's rules only." % exc)
    return matchers


def version_key(language, version):
    """A sort key ordering versions by their language's rules (unparsable ones last, by text)."""
    if language == "r":
        parsed = r_version(version)
        return (0, parsed, "") if parsed is not None else (1, (), str(version))
    try:
        return (0, Version(str(version)), "")
    except (InvalidVersion, NameError):
        return (1, (), str(version))


# -- the query -----------------------------------------------------------------

class PackageQuery:
    """connect_package_info's filters: name, language, version (a specifier), content (one guid)."""

    def __init__(self, name=None, language=None, version=None, content=None):
        if name is not None and not str(name).strip():
            raise InputError("Option 'name' is empty; give a package name such as requests or shiny, or omit it.")
        self.name = name
        self.language = language
        self.content = content
        self.matchers = version_matchers(version, language)

    def _same_name(self, row):
        if self.name is None:
            return True
        if row.get("language") == "python":  # PEP 503: Requests, requests and re_quests name one package
            return canonicalize_name(str(row.get("name"))) == canonicalize_name(self.name)
        return row.get("name") == self.name

    def matches(self, row):
        if self.language and row.get("language") != self.language:
            return False
        if not self._same_name(row):
            return False
        if self.matchers is not None:
            matcher = self.matchers.get(row.get("language"))
            return matcher is not None and matcher(row.get("version"))
        return True


def item_package_rows(client, item):
    """One item's Package records (GET /v1/content/{guid}/packages), each with the item's content_guid and
    content_id, which no recording of the endpoint carries. None of them when it is not deployed yet (204) or
    deleted since it was listed (404)."""
    rows = client.get_or_none(CONTENT_PACKAGES_PATH % item["guid"]) or []
    for row in rows:
        row.setdefault("content_guid", item["guid"])
        row.setdefault("content_id", item.get("id"))
    return rows


def iter_package_rows(client, query, item=None):
    """Connect's Package records matching the query (GET /v1/packages, or the packages of `item`)."""
    if item is not None:
        rows = item_package_rows(client, item)
    else:
        params = {"name": query.name} if query.name else None
        rows = client.paginate_offset(PACKAGES_PATH, params, page_size=MAX_PAGE_SIZE)
    for row in rows:
        if query.matches(row):
            yield row


def per_item_rows(client, query, items, concurrency=8):
    """The rows matching the query read item by item, concurrently: for GET /v1/packages rows that do not
    name their item (no recording of the endpoint shows content_guid). Items deleted since are skipped."""
    def read(item):
        return list(iter_package_rows(client, query, item))

    rows = []
    for item, found, error in client.map_concurrent(read, items, concurrency):
        if error is not None:
            raise error
        rows.extend(found or [])
    return rows


def join_content(rows, items):
    """Package rows joined with their content item: title, name, owner username and URLs.

    `items` is GET /v1/content?include=owner (or one item); rows of items not among them (deleted since,
    or not visible) keep null content fields.
    """
    by_guid = dict((item.get("guid"), item) for item in items or [])
    joined = []
    for row in rows:
        item = by_guid.get(row.get("content_guid")) or {}
        out = dict((field, row.get(field)) for field in PACKAGE_FIELDS)
        out.update(title=item.get("title"), content_name=item.get("name"),
                   owner_username=(item.get("owner") or {}).get("username"),
                   content_url=item.get("content_url"), dashboard_url=item.get("dashboard_url"))
        joined.append(out)
    return joined


def summarize(rows):
    """Per package (language, name): the versions in use and how many items use each.

    Sorted by language and name; versions by their language's rules. `items` counts distinct items.
    """
    packages = {}
    for row in rows:
        key = (row.get("language"), row.get("name"))
        versions = packages.setdefault(key, {})
        versions.setdefault(row.get("version"), set()).add(row.get("content_guid"))
    summary = []
    for (language, name), versions in sorted(packages.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]).lower())):
        ordered = sorted(versions, key=lambda v: version_key(language, v))
        items = set()
        for guids in versions.values():
            items.update(guids)
        summary.append(dict(language=language, name=name, items=len(items),
                            versions=[dict(version=v, items=len(versions[v])) for v in ordered]))
    return summary


def package_info(client, params):
    """connect_package_info: the rows of the packages matching the query, joined with their content items."""
    query = PackageQuery(name=params["name"], language=params["language"], version=params["version"],
                         content=check_guid(params["content"], "content"))
    items = None
    if query.content:
        item = get_content(client, query.content, params={"include": "owner"})
        if item is None:
            raise InputError("Option 'content': no content item with guid %r (or the API key's user cannot "
                             "see it)." % query.content)
        items = [item]
    rows = list(iter_package_rows(client, query, items[0] if items else None))
    if items is None:
        items = list_content(client, include=["owner"]) if rows else []
        if any("content_guid" not in row for row in rows):
            rows = per_item_rows(client, query, items, params.get("concurrency") or 8)
    result = dict(changed=False, packages=join_content(rows, items), count=len(rows))
    if params["summarize"]:
        result["summary"] = summarize(rows)
    return result
