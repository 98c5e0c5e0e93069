# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect_deploy's resource: a content item (connect_content's resource, so a missing item is created with its
settings in the same run) with one more facet, its bundle.

The bundle facet reads the active bundle (GET /v1/content/{guid}/bundles/{bundle_id}: one request per item,
the item itself comes from the batch's one listing), compares its archive_sha1 with the packed archive's, and,
when they differ, uploads (streamed), deploys and follows the task until it finishes or wait_timeout passes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.posit.connect.plugins.module_utils.concepts.bundles import list_bundles
from ansible_collections.posit.connect.plugins.module_utils.concepts.tasks import SHOWN_LINES, follow_task, task_summary
from ansible_collections.posit.connect.plugins.module_utils.files.bundle import prepare_bundle
from ansible_collections.posit.connect.plugins.module_utils.resources.base import Facet
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError, InputError
from ansible_collections.posit.connect.plugins.module_utils.resources.content import ContentResource


class DeployError(ConnectError):
    """The deploy task failed or did not finish in time (Connect answered; the build did not succeed).

    The bundle was uploaded, so the item changed (`changed`); `result` is the item as it now is.
    """

    changed = True


class BundleFacet(Facet):
    name = "bundle"
    listed = ("bundle_id",)

    def __init__(self, resource):
        self.resource = resource

    def read(self, engine, item):
        bundle_id = item.current.get("bundle_id")
        if not bundle_id:
            return None
        return engine.client.get_or_none("v1/content/%s/bundles/%s" % (item.current["guid"], bundle_id))

    def plan(self, engine, item, current, wanted):
        if current is not None and (current.get("metadata") or {}).get("archive_sha1") == wanted["sha1"]:
            item.bundle_id = current.get("id")
            return None
        return wanted

    def summary(self, operations):
        return dict(sha1=operations["sha1"], size=operations["size"])

    def view(self, value):
        if value is None:
            return None
        if "metadata" in value:  # a Connect bundle
            return dict(bundle_id=value.get("id"), sha1=(value.get("metadata") or {}).get("archive_sha1"),
                        size=value.get("size"))
        return dict(sha1=value["sha1"], size=value["size"])

    def apply(self, engine, item, operations):
        client, top = engine.client, self.resource.top
        content = item.result or item.current
        guid = content["guid"]
        previous = (item.current or {}).get("bundle_id")
        bundle = client.upload("v1/content/%s/bundles" % guid, operations["path"])
        item.bundle_id = bundle["id"]
        answer = client.post("v1/content/%s/deploy" % guid, body={"bundle_id": bundle["id"]}) or {}
        task_id = answer.get("task_id")
        item.task = task_summary(None, task_id)
        if not top.get("wait", True):
            item.result = dict(content)
            return
        task, output = follow_task(client, task_id, top.get("wait_timeout") or 0)
        item.task, item.output = task_summary(task, task_id), output
        path = "/__api__/v1/tasks/%s" % task_id
        stays = "bundle %s stays active" % previous if previous else "no bundle is active"
        tail = " | ".join(output[-SHOWN_LINES:])
        if not task.get("finished"):
            raise self.failed(item, content, DeployError(
                "Deploying bundle %s to %s did not finish within wait_timeout (%ss); task %s is still running "
                "(raise wait_timeout, or follow it with posit.connect.connect_task_info). Last output: %s"
                % (bundle["id"], _label(content), top.get("wait_timeout"), task_id, tail),
                method="GET", path=path, status=200))
        if task.get("code"):
            raise self.failed(item, content, DeployError(
                "The build of bundle %s for %s failed (task %s, code %s): %s. The %s. Last output: %s"
                % (bundle["id"], _label(content), task_id, task.get("code"), task.get("error"), stays, tail),
                method="GET", path=path, status=200))
        if top.get("keep_bundles") is not None:
            self.prune(client, guid, bundle["id"], top["keep_bundles"])
        item.result = client.get("v1/content/%s" % guid) or dict(content, bundle_id=bundle["id"])

    @staticmethod
    def failed(item, content, error):
        """The error of a failed deploy, with the item as it is now (the upload happened)."""
        error.result = dict(content)
        return error

    @staticmethod
    def prune(client, guid, active, keep):
        """Delete the oldest inactive bundles beyond `keep`."""
        inactive = [b for b in list_bundles(client, guid) if not b.get("active") and b.get("id") != active]
        for bundle in inactive[keep:]:
            client.delete("v1/content/%s/bundles/%s" % (guid, bundle["id"]))


class DeployResource(ContentResource):
    noun = "deployments"
    item_attributes = dict(ContentResource.item_attributes,
                           bundle_id=None,  # the bundle uploaded (or the active one, when unchanged)
                           task=None,       # the deployment task's summary, once started
                           output=None)     # ... and its output lines

    def __init__(self, engine, top):
        super(DeployResource, self).__init__(engine, top)
        self.facets = (BundleFacet(self),)

    def prepare(self, item):
        super(DeployResource, self).prepare(item)
        spec = item.spec
        exclude = list(self.top.get("exclude") or [])
        defaults = self.top.get("exclude_defaults", True)
        if item.index is not None:
            exclude += spec.get("exclude") or []
            defaults = defaults if spec.get("exclude_defaults") is None else spec["exclude_defaults"]
        if self.top.get("keep_bundles") is not None and self.top["keep_bundles"] < 0:
            raise InputError("Option 'keep_bundles' must be 0 or more, got %s." % self.top["keep_bundles"])
        if self.top.get("wait_timeout") is not None and self.top["wait_timeout"] < 0:
            raise InputError("Option 'wait_timeout' must be 0 or more, got %s." % self.top["wait_timeout"])
        item.facets["bundle"] = prepare_bundle(spec.get("bundle"), exclude, item.where + "bundle", defaults)

    def identity(self, item):
        entry = super(DeployResource, self).identity(item)
        entry.update(self.extras(item))
        return entry

    def extras(self, item):
        """bundle_id, task and output, beside the content."""
        extras = dict(bundle_id=item.bundle_id, bundle=item.changes.get("bundle") or dict(
            sha1=item.facets["bundle"]["sha1"], size=item.facets["bundle"]["size"]))
        if item.task is not None:
            extras.update(task=item.task, output=item.output or [])
        return extras


def _label(content):
    return "%s (%s)" % (content.get("guid"), content.get("name"))
