# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a resource of the reconcile engine (module_utils/engine/engine.py) declares: Resource and Facet.

A write module's resource subclasses Resource and overrides what differs from
the defaults below; the engine calls these hooks in its one flow. The engine's
Item carries one declared object through that flow. The resource to copy for a
new module is resources/group.py (docs/adding-a-module.md walks through it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.engine.engine import diff
from ansible_collections.posit.connect.plugins.module_utils.api.errors import InputError
from ansible_collections.posit.connect.plugins.module_utils.concepts.inputs import check_guid


class Facet:
    """A part of an object that is read, compared and written on its own (tags, ACL, members ...).

    plan returns None when nothing differs, else the operations (any value apply
    understands); view(value) is what diff shows.

    | hook / attribute | required? | default |
    | --- | --- | --- |
    | name | required | (the option the user sets; item.facets key) |
    | read, plan, apply | required | raise NotImplementedError |
    | summary | optional | the operations as they are |
    | view | optional | the value as it is |
    | end | optional | the wanted value |
    | listed | optional | () (the fields of a batch's listed object that read uses) |
    | from_listing | optional | False (read sends a request) |
    """

    name = None
    listed = ()  # the fields of a listed object (a batch's one listing) that read() uses, beyond its guid

    def read(self, engine, item):
        """Required. The facet's current value for an existing item (called concurrently, only when the user
        set it)."""
        raise NotImplementedError

    def from_listing(self, item):
        """Optional (default: False). Whether read(item) needs no request: the item's listed object holds the value.
        The engine reads such items in turn, without handing each one to a thread (at 10,000 items that hand-off
        cost more than the reads)."""
        return False

    def plan(self, engine, item, current, wanted):
        """Required. The operations that bring current to wanted, or None; raise InputError for what Connect
        would refuse."""
        raise NotImplementedError

    def apply(self, engine, item, operations):
        """Required. Send the operations (not called in check mode)."""
        raise NotImplementedError

    def summary(self, operations):
        """Optional (default: the operations). What `changes` shows for this facet (no secret values)."""
        return operations

    def view(self, value):
        """Optional (default: the value). A current or wanted value as the diff shows it."""
        return value

    def end(self, current, wanted, operations):
        """Optional (default: wanted). The value the facet has once the operations are applied (the diff's
        after side). Override when wanted is not the whole end state (e.g. members: at least these)."""
        return wanted


class Resource:
    """One kind of object. Override what differs; the defaults suit a simple object with fields.

    The engine calls, in this order: prepare (every item) → prepare_all → resolve → read (read_one) → key →
    (facets read) → missing (to create) or compare → (facets plan) → check → create / update / delete (not in
    check mode; then facets apply) → predict, identity, header, view, outcome, extras, batch_extras for results.

    | hook / attribute | required? | default |
    | --- | --- | --- |
    | kind, result_key | set them | "object" |
    | argument_form | for ConnectModule.reconcile(params=...) | raise NotImplementedError |
    | prepare | required | raise NotImplementedError |
    | read_one | required, unless read is overridden | raise NotImplementedError |
    | create, update, delete | required for what the module does | raise NotImplementedError |
    | name_option | optional | None: no select(), key() or create_by_name() |
    | item_attributes | optional | {}: what the resource keeps on each Item besides the engine's fields |
    | noun, facets, users, identifying | optional | kind + "s"; (); None; None (every field) |
    | option, select, create_by_name | helpers to call | (not overridden) |
    | prepare_all | optional | the items as given |
    | resolve, check, missing | optional | nothing (missing: create) |
    | read | optional | read_one for each item, concurrently |
    | key | optional | with name_option: the guid, else the name; otherwise None (no duplicate check) |
    | normalise, compare | optional | the value as it is; the desired fields that differ |
    | view, header, deleted_view | optional | owner names beside owner_guid; "<kind> '<name>' (<guid>)"; identifying |
    | identity, extras, batch_extras | optional | {} |
    | outcome, diff, predict | optional | item.result; before/after under header; current + changes |

    An item's own state lives in attributes the resource declares in `item_attributes` (name -> default,
    an immutable default such as None or False): the engine gives every Item each of them, so that
    `item.remote` or `item.entry` is read and written like the engine's own `item.desired`. select() sets
    the engine's `item.guid` and `item.name`.
    """

    kind = "object"              # for messages: "content", "ACL entry", "user"
    noun = None                  # the batch's items in its summary message (default kind + "s")
    result_key = "object"        # the single form returns the object under this key
    facets = ()                  # Facet instances
    users = None                 # a principals.UserCache where diffs show owner usernames beside owner_guid
    name_option = None           # the option naming an object selected without a guid ("name", "username"); select()
    identifying = None           # the fields a delete's diff shows (None: every field read)
    item_attributes = {}         # attribute -> default, given to every Item (e.g. dict(remote=False, entry=None))

    def __init__(self, engine, top):
        self.engine = engine
        self.client = engine.client
        self.top = top              # the task's top-level options (the single form: all of them)

    @classmethod
    def argument_form(cls):
        """The ConnectModule arguments of this resource's module (argument_spec, required_one_of, mutually_exclusive):
        its one home, read by the module and by ConnectModule.reconcile(params=...) when another module (such as
        connect_user_offboard) reconciles this resource, so that the options and their defaults are the module's."""
        raise NotImplementedError

    # -- input, before any request ---------------------------------------------------

    def option(self, item, name):
        """Helper. An item's own value, else the task's (top-level options apply to every item of a batch)."""
        value = item.spec.get(name)
        return self.top.get(name) if value is None and item.index is not None else value

    def select(self, item):
        """Helper. (guid, name) that select an item's object: a valid guid, or else a name (name_option) that is
        not empty. Both go to item.guid and item.name, where key() and create_by_name() find them."""
        guid = check_guid(item.spec.get("guid"), item.where + "guid", self.kind)
        name = item.spec.get(self.name_option)
        if guid is None and not (name or "").strip():
            raise InputError("Option '%s%s' must not be empty: give the %s's %s, or 'guid'."
                             % (item.where, self.name_option, self.kind, self.name_option))
        item.guid, item.name = guid, name
        return guid, name

    def prepare(self, item):
        """Required. Check the item's input and fill item.desired and item.facets; raise InputError."""
        raise NotImplementedError

    def prepare_all(self, items):
        """Optional. Checks and lookups that concern every item (run once, before any read); raise to fail the
        task.

        Returns the items to reconcile: those given, or others it selected (e.g. everything a user owns).
        """
        return items

    def resolve(self, item):
        """Optional (default: nothing). Per-item lookups by name before the read (principals, owners); raise to
        fail this item."""

    # -- reads -------------------------------------------------------------------

    def read(self, items):
        """Optional. Set item.current for every item (one list request where the API has one).

        The default reads items one by one, concurrently, with read_one.
        """
        def one(item):
            item.current = self.read_one(item)

        self.engine.each(one, items)

    def read_one(self, item):
        """Required unless read is overridden. The object the item selects, or None when it does not exist."""
        raise NotImplementedError

    def key(self, item):
        """Optional. What identifies the object an item selects (two items may not select the same one): with
        select(), its guid, else its name; None (not checked) otherwise."""
        if self.name_option is None:
            return None
        if item.current is not None:
            return item.current["guid"]
        return item.guid or "%s:%s" % (self.name_option, item.name)

    # -- comparison ---------------------------------------------------------------

    def normalise(self, field, value):
        """Optional (default: the value). A field's value as compared (both sides go through it)."""
        return value

    def compare(self, item):
        """Optional. The desired fields whose value differs from the current object's."""
        current = item.current or {}
        changes = {}
        for field, value in item.desired.items():
            if not same(self.normalise(field, current.get(field)), self.normalise(field, value)):
                changes[field] = value
        return changes

    def check(self, item, changes):
        """Optional (default: nothing). Refuse, with InputError, what Connect would refuse for this plan (name
        clashes, limits ...)."""

    def refuse_rename(self, item, changes, find, code, label):
        """Helper for check(): refuse a rename (name_option among the changes) to a name another object holds,
        as Connect does (409 `code`). find(name) is that object, or None; label names it ("user %r")."""
        new = changes.get(self.name_option)
        if new is None or item.current is None:
            return
        other = find(new)
        if other is not None and other.get("guid") != item.current.get("guid"):
            raise InputError("Option '%s%s': %s already exists (%s); Connect refuses two %ss of one %s (409 %s). "
                             "Choose another %s." % (item.where, self.name_option, label % (new,), other.get("guid"),
                                                     self.kind, self.name_option, code, self.name_option))

    def missing(self, item):
        """Optional (default: create it). Raise InputError when a missing object may not be created (e.g.
        selected by guid); create_by_name() does this for resources with select()."""

    def create_by_name(self, item):
        """Helper for missing(): an object selected by guid that does not exist is an error; one selected by name
        is created with that name."""
        guid = item.guid
        if guid is not None:
            raise InputError("Option '%sguid': no Connect %s with guid %s. To create a %s, give '%s' without 'guid'."
                             % (item.where, self.kind, guid, self.kind, self.name_option))
        item.desired[self.name_option] = item.name

    # -- diff and results ---------------------------------------------------------------

    def view(self, item, values, side):
        """Optional. The fields shown in the diff, the owner's username beside owner_guid; add other names beside
        guids here. side: 'before' or 'after'."""
        if "owner_guid" in values and self.users is not None:
            values = dict(values, owner=self.users.name_of(values["owner_guid"]))
        return values

    def header(self, item):
        """Optional. The diff header, naming the object: "<kind> '<name>' (<guid>)", "(new)" for one to create."""
        current, identity = item.current or {}, self.identity(item)
        name = (current.get(self.name_option) if self.name_option else None) or \
            identity.get(self.name_option or "name") or item.name
        guid = current.get("guid") or identity.get("guid") or ("new" if item.current is None else None)
        label = "%s %r" % (self.kind, name) if name is not None else self.kind
        return "%s (%s)" % (label, guid) if guid else label

    def deleted_view(self, item):
        """Optional. What a delete's diff shows of the object: the fields that identify it (identifying)."""
        current = item.current or {}
        if self.identifying is None:
            return dict(current)
        return dict((field, current.get(field)) for field in self.identifying if field in current)

    def outcome(self, item):
        """Optional (default: item.result). The single form's object after the run (the predicted one in check
        mode)."""
        return item.result if item.result is not None else {}

    def diff(self, item):
        """Optional. The single form's diff: before and after of what changed, under a header naming the object."""
        return diff(item.before, item.after, self.header(item))

    def batch_extras(self, items):
        """Optional (default: {}). Values the batch result carries besides results and counts."""
        return {}

    def identity(self, item):
        """Optional (default: {}). The fields that name the item in its result entry (guid, name ...)."""
        return {}

    def extras(self, item):
        """Optional (default: {}). Values the single form returns beside the object (also when it fails after a
        write)."""
        return {}

    def predict(self, item):
        """Optional. The object a write would produce, for check mode (and a write that answers nothing)."""
        if item.status == "deleted":
            return {}
        if item.status == "created":
            return dict(item.desired)
        predicted = dict(item.current or {})
        predicted.update(dict((f, v) for f, v in item.changes.items() if f in item.desired))
        return predicted

    # -- writes ---------------------------------------------------------------------

    def create(self, item):
        """Required when objects are created. Create the object from item.desired; return it as Connect
        answered."""
        raise NotImplementedError

    def update(self, item, changes):
        """Required when fields are compared. Send the changed fields; return the object as Connect answered (or
        None)."""
        raise NotImplementedError

    def delete(self, item):
        """Required where state=absent is offered. Delete item.current."""
        raise NotImplementedError


def same(current, wanted):
    """Equal as Connect compares them: booleans only equal booleans (1 is not true)."""
    if isinstance(current, bool) or isinstance(wanted, bool):
        return current is wanted
    return current == wanted
