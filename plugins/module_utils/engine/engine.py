# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine: the one flow of every write module, single and batch forms alike.

A Resource (resources/base.py) declares one kind of object: how to check an
item's input, how to read the current objects (many at once where the API has
a list), which fields it manages and how each compares, and how to create,
update and delete. Facets are further parts of an object with their own reads
and writes (an item's tags, its ACL, a group's members); each is read,
compared and written only when the user set it.

The engine does the rest, once: validate every item before any request;
resolve names; read; compare only what the user set; plan; in check mode stop
before the first write and predict the end state; diff with names beside guids;
write concurrently over the shared client; give every item a status
(created, updated, deleted, unchanged, skipped, failed) and a message; list the
failed items while the others still apply; fail the task at the end when any
item failed.

Nothing here knows about AnsibleModule: module.py runs it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError

VERBS = {"created": "create", "updated": "update", "deleted": "delete"}
SHOWN_FAILURES = 5


class Item:
    """One object the user declared: its input, what was read, and what the engine planned and did."""

    def __init__(self, index, spec, where="", state="present", attributes=None):
        self.index = index          # position in `items`, or None for the single form
        self.spec = spec            # this item's own options (the resource reads the top-level ones from engine.top)
        self.where = where          # prefix of option names in messages: "items[3]." or ""
        self.state = spec.get("state") or state
        self.desired = {}           # field -> wanted value, only the fields the user set
        self.facets = {}            # facet name -> wanted value, only the facets the user set
        self.current = None         # the object as read, None when it does not exist
        self.facet_current = {}     # facet name -> its current value as read
        self.status = None
        self.msg = None
        self.changes = {}           # field or facet -> what is (or would be) sent
        self.facet_plans = {}       # facet name -> that facet's planned operations
        self.before = {}            # the changed fields and facets before, for diff
        self.after = {}             # ... and after
        self.result = None          # the object after the run (predicted in check mode)
        self.error = None           # the ConnectError or InputError of a failed item
        self.changed = False
        self.report = None          # the batch form's result entry, made as soon as the item is done (Engine.run)
        self.guid = None            # the selection: the guid the input gives (Resource.select), else None
        self.name = None            # ... and the name (the value of Resource.name_option), else None
        for attribute, default in (attributes or {}).items():  # the resource's own (Resource.item_attributes)
            if hasattr(self, attribute):
                raise ValueError("item attribute %r is the engine's own: choose another name" % attribute)
            setattr(self, attribute, default)

    def fail(self, error, changed=False):
        self.status, self.error, self.changed = "failed", error, changed
        self.msg = getattr(error, "message", None) or str(error)

    def skip(self, msg):
        self.status, self.msg = "skipped", msg

    @property
    def done(self):
        """Failed or skipped: nothing more is planned or written for this item."""
        return self.status in ("failed", "skipped")


class Engine:
    """Runs a Resource over items: validate, resolve, read, plan, (write), report."""

    def __init__(self, client, check_mode=False, diff_mode=False, concurrency=8, warn=None):
        self.client = client
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.concurrency = concurrency
        self.warn = warn or (lambda msg: None)
        self.unreachable = None  # set when a write got no answer after its retries
        self.state = "present"   # the task's state, the default of every item
        self.attributes = {}     # the resource's per-item attributes (Resource.item_attributes)

    def each(self, func, items):
        """func(item) for every item not done yet, concurrently over the shared client (with its backoff);
        an InputError or ConnectError fails that item only."""
        self.client.map_concurrent(lambda item: _guarded(func, item, on_error=item.fail),
                                   [item for item in items if not item.done], self.concurrency)

    def not_yet(self, what):
        """For a message about something missing: in check mode, say that an earlier task's would-be creation
        has not happened (nothing is written in check mode, so later tasks cannot see it)."""
        if not self.check_mode:
            return ""
        return "; in check mode, %s that an earlier task would create does not exist yet" % what

    def item(self, index, spec):
        """The Item of one `items` entry (the state defaults to the task's)."""
        return Item(index, spec, "items[%d]." % index, self.state, self.attributes)

    # -- the flow ------------------------------------------------------------------------

    def run(self, resource_class, top, specs=None):
        """Reconcile the items of a task; returns (resource, items), each item with its status.

        top: the task's options. specs: the `items` entries of the batch form
        (prepare_all may select others); None for the single form, whose one
        item is `top` itself.
        """
        resource = resource_class(self, top)
        self.state = top.get("state") or "present"
        self.attributes = resource.item_attributes
        items = [Item(None, top, "", self.state, self.attributes)] if specs is None else \
            [self.item(index, spec) for index, spec in enumerate(specs)]
        for item in items:
            resource.prepare(item)       # bad input fails the task before any request
        items = resource.prepare_all(items)
        for item in items:
            if not item.done:
                _guarded(resource.resolve, item, on_error=item.fail)
        resource.read([item for item in items if not item.done])
        self._check_duplicates(resource, items)
        self._read_facets(resource, items)
        for item in items:
            if not item.done:
                _guarded(lambda one: self._plan(resource, one), item, on_error=item.fail)
        batch = specs is not None

        def write(item):
            self._apply(resource, item)
            if batch:
                self._report(resource, item)

        if not self.check_mode:
            self.each(write, [item for item in items if item.status in VERBS])
        for item in items:
            if item.report is not None:
                continue
            if item.status in VERBS and item.result is None:
                item.result = resource.predict(item)
            elif item.status == "unchanged":
                item.result = item.current
            if batch:
                self._report(resource, item)
        return resource, items

    def _report(self, resource, item):
        """The batch form returns each item's result entry, not the object: make the entry now and let the object go
        (the write's answer or the predicted object), so that a batch of many items does not hold every answer."""
        item.report = self.entry(resource, item)
        item.result = None

    def _check_duplicates(self, resource, items):
        """Items that select the same object (by guid, or by a name that resolves to its guid) all fail, before
        any write: which of them the user meant cannot be known."""
        selecting = {}
        for item in items:
            key = None if item.done else resource.key(item)
            if key is not None:
                selecting.setdefault(key, []).append(item)
        for same in selecting.values():
            if len(same) < 2:
                continue
            names = [item.where.rstrip(".") or "the task" for item in same]
            for item in same:
                others = ", ".join(name for name in names if name != (item.where.rstrip(".") or "the task"))
                item.fail(InputError("%s selects the same %s as %s; list each one once."
                                     % (item.where.rstrip(".") or "the task", resource.kind, others)))

    def _read_facets(self, resource, items):
        """Each facet the user set, for each existing item: read concurrently, item by item; an item whose facets
        all read from its listed object (Facet.from_listing) is read here, in turn."""
        def read(item):
            for facet in resource.facets:
                if facet.name in item.facets:
                    item.facet_current[facet.name] = facet.read(self, item)

        reading = [item for item in items if item.current is not None and not item.done
                   and any(facet.name in item.facets for facet in resource.facets)]
        requesting = []
        for item in reading:
            if all(facet.from_listing(item) for facet in resource.facets if facet.name in item.facets):
                _guarded(read, item, on_error=item.fail)
            else:
                requesting.append(item)
        self.each(read, requesting)

    def _plan(self, resource, item):
        if item.state == "absent":
            if item.current is None:
                item.status, item.msg = "unchanged", "absent"
                return
            item.status, item.changed = "deleted", True
            if self.diff_mode:
                item.before, item.after = resource.view(item, resource.deleted_view(item), "before"), {}
            return
        if item.current is None:
            resource.missing(item)
            changes = dict(item.desired)
            item.status = "created"
        else:
            changes = resource.compare(item)
            item.status = "updated"
        for facet in resource.facets:
            if facet.name not in item.facets:
                continue
            current = item.facet_current.get(facet.name)
            operations = facet.plan(self, item, current, item.facets[facet.name])
            if operations:
                item.facet_plans[facet.name] = operations
                changes[facet.name] = facet.summary(operations)
        resource.check(item, changes)
        item.changes = changes
        if item.status == "updated" and not changes:
            item.status, item.msg = "unchanged", "unchanged"
            return
        item.changed = True
        if not self.diff_mode:  # before and after are only ever shown by --diff
            return
        fields = dict((f, v) for f, v in changes.items() if f in item.desired)
        before = dict((f, (item.current or {}).get(f)) for f in fields) if item.current is not None else {}
        after = dict(fields)
        for facet in resource.facets:
            if facet.name in item.facet_plans:
                if item.current is not None:
                    before[facet.name] = facet.view(item.facet_current.get(facet.name))
                after[facet.name] = facet.view(facet.end(item.facet_current.get(facet.name), item.facets[facet.name],
                                                         item.facet_plans[facet.name]))
        item.before = resource.view(item, before, "before")
        item.after = resource.view(item, after, "after")

    def _apply(self, resource, item):
        if self.unreachable is not None:  # the server went away: do not wait out retries once per item
            item.fail(ConnectError("not attempted: %s" % self.unreachable))
            return
        try:
            if item.status == "deleted":
                resource.delete(item)
                item.result = {}
                return
            fields = dict((f, v) for f, v in item.changes.items() if f in item.desired)
            if item.status == "created":
                item.result = resource.create(item)  # facets below find the new object here
            elif fields:
                item.result = resource.update(item, fields) or resource.predict(item)
            for facet in resource.facets:
                if facet.name in item.facet_plans:
                    facet.apply(self, item, item.facet_plans[facet.name])
            if item.result is None:
                item.result = resource.predict(item)
        except ConnectError as exc:
            if exc.status is None and self.unreachable is None:
                self.unreachable = "an earlier request got no answer from Connect (%s)" % exc.message
            partial = getattr(exc, "result", None)
            if partial is not None:  # created, but a later write failed
                item.result = partial
            # changed: created (perhaps partly), or an error that says its writes happened (exc.changed)
            item.fail(exc, changed=item.status == "created" and item.result is not None
                      or getattr(exc, "changed", False))

    # -- results -------------------------------------------------------------------------

    def entry(self, resource, item):
        """One item's result entry: identity, status, changed, failed, msg, changes, diff, error."""
        entry = dict(resource.identity(item))
        entry.update(index=item.index, status=item.status, changed=item.changed, failed=item.status == "failed",
                     msg=self.message(item), changes=item.changes if item.status != "failed" else {})
        if item.error is not None and isinstance(item.error, ConnectError) and item.error.status is not None:
            entry["error"] = item.error.to_dict()
        if self.diff_mode and item.changed and item.status != "failed":
            entry["diff"] = diff(item.before, item.after, resource.header(item))
        return entry

    def message(self, item):
        if item.msg is not None:
            return item.msg
        verb = VERBS[item.status]
        if item.status == "updated":
            return "%s %s" % ("would update" if self.check_mode else "updated", ", ".join(sorted(item.changes)))
        return "would %s" % verb if self.check_mode else item.status

    def batch_result(self, resource, items):
        """The result of a batch task: results, counts, failed_items, diff, msg, failed."""
        noun = resource.noun or resource.kind + "s"
        results = [item.report if item.report is not None else self.entry(resource, item) for item in items]
        failed = [entry for entry in results if entry["failed"]]
        changed = [entry for entry in results if entry["changed"]]
        result = dict(changed=bool(changed), check_mode=self.check_mode, results=results, changed_count=len(changed),
                      failed_count=len(failed),
                      failed_items=[dict((k, e.get(k)) for k in ("index", "guid", "name", "msg")) for e in failed])
        if self.diff_mode:
            result["diff"] = [entry["diff"] for entry in changed if "diff" in entry]
        if failed:
            shown = "; ".join("items[%d] %s: %s" % (e["index"], e.get("guid") or e.get("name") or "", e["msg"])
                              for e in failed[:SHOWN_FAILURES])
            result.update(failed=True, msg="%d of %d %s failed (the others were %s): %s%s" % (
                len(failed), len(results), noun, "checked" if self.check_mode else "applied", shown,
                "; ..." if len(failed) > SHOWN_FAILURES else ""))
        else:
            result["msg"] = "%d of %d %s %s." % (len(changed), len(results), noun,
                                                 "would change" if self.check_mode else "changed")
        return result

    def single_result(self, resource, item):
        """The result of the single form: changed, the object under resource.result_key, diff; raises on failure."""
        if item.status == "failed":
            error = item.error
            if item.changed:
                error.result = dict(resource.extras(item), changed=True, **{resource.result_key: item.result or {}})
            raise error
        result = dict(resource.extras(item), changed=item.changed, **{resource.result_key: resource.outcome(item)})
        if self.diff_mode:
            result["diff"] = resource.diff(item)
        return result


def diff(before, after, header=None):
    result = dict(before=before, after=after)
    if header:
        result["before_header"] = result["after_header"] = header
    return result


def _guarded(func, arg, on_error):
    """func(arg); an InputError or ConnectError goes to on_error instead."""
    try:
        return func(arg)
    except (InputError, ConnectError) as exc:
        on_error(exc)
