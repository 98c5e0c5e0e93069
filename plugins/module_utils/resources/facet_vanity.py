# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_content's vanity URL facet: the path, checked as Connect checks it, and who holds it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.posit.connect.plugins.module_utils.concepts.content_query import answered, vanity_paths
from ansible_collections.posit.connect.plugins.module_utils.concepts.vanity import normalise_vanity, vanity_path, vanity_problem
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.resources.content_facets import ContentFacet, item_guid


class VanityFacet(ContentFacet):
    """The vanity path ("/sales/"); "" removes it. A path another item holds needs force_vanity_url."""

    name = "vanity_url"
    flags = ("force_vanity_url",)
    listed = ("vanity_url",)  # with include=vanity_url

    def __init__(self, resource):
        super(VanityFacet, self).__init__(resource)
        self._vanities = False   # guid -> path from GET /v1/vanities; None when refused
        self._answered = None    # (listing, whether it answered vanity_url): asked once per listing, not per item
        self.claimed = {}        # path -> the option of this task's item that takes it

    def prepare(self, value, option, flags):
        path = normalise_vanity(value)
        problem = vanity_problem(path, option) if path else None
        if problem:
            raise InputError(problem)
        return dict(path=path, option=option, force=flags["force_vanity_url"])

    def path_of(self, url):
        """The path of a vanity_url as GET /v1/content answers it (a URL under the server's root)."""
        return vanity_path(url, urlsplit(self.client.api_root).path[:-len("/__api__")])

    def vanities(self):
        """Every vanity path by content guid (one GET /v1/vanities, administrators only), or None."""
        with self.lock:
            if self._vanities is False:
                try:
                    self._vanities = dict((guid, normalise_vanity(path))
                                          for guid, path in vanity_paths(self.client).items())
                except ConnectError as exc:
                    if exc.status not in (401, 403):
                        raise
                    self._vanities = None
        return self._vanities

    def listing_answered(self):
        """Whether the batch's listing (asked with include=vanity_url) answered vanity_url."""
        listing = self.resource.listing or []
        if self._answered is None or self._answered[0] is not listing:
            self._answered = (listing, answered(listing, "vanity_url"))
        return self._answered[1]

    def from_listing(self, item):
        return "vanity_url" in item.current or bool(self.included and self.listing_answered())

    def read(self, engine, item):
        guid = item.current["guid"]
        if self.from_listing(item):
            return self.path_of(item.current.get("vanity_url"))
        if self.resource.listing is not None:
            vanities = self.vanities()
            if vanities is not None:
                return vanities.get(guid)
        found = self.client.get_or_none("v1/content/%s/vanity" % guid)
        return normalise_vanity(found.get("path")) if found else None

    def holders(self):
        """path -> (guid, name) of every item holding a vanity path, as far as this key can see."""
        listing = self.resource.listing
        if listing is not None and self.included and answered(listing, "vanity_url"):
            return dict((self.path_of(c["vanity_url"]), (c["guid"], c.get("name"))) for c in listing
                        if c.get("vanity_url"))
        vanities = self.vanities() or {}
        names = dict((c["guid"], c.get("name")) for c in listing or [])
        return dict((path, (guid, names.get(guid))) for guid, path in vanities.items())

    def holder(self, guid, name):
        """The item holding a path, for a message: its name (read when the listing did not give it) and guid."""
        if name is None:
            try:
                name = (self.client.get_or_none("v1/content/%s" % guid) or {}).get("name")
            except ConnectError:
                name = None
        return "%r (%s)" % (name, guid) if name is not None else "%s (which this API key may not read)" % guid

    def plan(self, engine, item, current, wanted):
        path, option = wanted["path"], wanted["option"]
        if (current or "") == path:
            return None
        if not path:
            return dict(path="", force=False)
        mine = item_guid(item)
        force = False
        for taken, (guid, name) in sorted(self.holders().items()):
            if guid == mine:
                continue
            if taken == path:
                if not wanted["force"]:
                    raise InputError("Option '%s': the vanity path %s is held by content %s. Choose another "
                                     "path, or set force_vanity_url: true to move it to this item."
                                     % (option, path, self.holder(guid, name)))
                force = True
            elif taken.startswith(path) or path.startswith(taken):
                raise InputError("Option '%s': %s is %s of the vanity path %s of content %s, and Connect refuses a "
                                 "vanity path that is an ancestor or descendant of another; choose another path."
                                 % (option, path, "an ancestor" if taken.startswith(path) else "a descendant", taken,
                                    self.holder(guid, name)))
        other = self.claimed.get(path)
        if other is not None:
            raise InputError("Option '%s': %s is also the vanity path of %s in this task; give each path to one item."
                             % (option, path, other))
        self.claimed[path] = option
        return dict(path=path, force=force)

    def end(self, current, wanted, operations):
        return operations["path"]

    def view(self, value):
        return value or ""

    def apply(self, engine, item, operations):
        guid = item_guid(item)
        if not operations["path"]:
            self.client.delete("v1/content/%s/vanity" % guid)
        else:
            self.client.put("v1/content/%s/vanity" % guid, body=dict(path=operations["path"], force=operations["force"]))
