# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fields of a Connect content item: which are writable, created, nullable, their kinds, choices and limits,
and the connect_content options that set them.

Data only, importing nothing: content.py validates with it, and the content-as-code filters read it without
loading the HTTP client (Ansible imports every filter file of the collection to find one filter).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The fields of Connect's UpdateContentInput (PATCH /v1/content/{guid}), with
# their kind. Everything else in a content object is read-only and never sent.
WRITABLE_FIELDS = {
    "name": "str",
    "title": "str",
    "description": "str",
    "owner_guid": "str",
    "access_type": "str",
    "locked": "bool",
    "locked_message": "str",
    "connection_timeout": "int",
    "read_timeout": "int",
    "init_timeout": "int",
    "idle_timeout": "int",
    "max_processes": "int",
    "min_processes": "int",
    "max_conns_per_process": "int",
    "load_factor": "float",
    "default_r_environment_management": "bool",
    "default_py_environment_management": "bool",
    "run_as": "str",
    "run_as_current_user": "bool",
    "memory_request": "int",
    "memory_limit": "int",
    "cpu_request": "float",
    "cpu_limit": "float",
    "amd_gpu_limit": "int",
    "nvidia_gpu_limit": "int",
    "service_account_name": "str",
    "default_image_name": "str",
    "default_environment_guid": "str",
    "metrics_collection_enabled": "bool",
    "notify_on_share": "bool",
    "otel_enabled": "bool",
    "content_category": "str",
}

# CreateContentInput (POST /v1/content): the writable fields minus these.
CREATABLE_FIELDS = frozenset(WRITABLE_FIELDS) - frozenset(("owner_guid", "locked", "locked_message", "content_category"))

# Fields that take null ("use the server default"); `reset` may name these.
# Not those that Connect never reports as null (it answers a null for locked
# with false): comparing them with null would report a change on every run.
NOT_NULLABLE = frozenset(("name", "description", "access_type", "locked", "locked_message", "run_as_current_user",
                          "otel_enabled", "content_category"))
RESETTABLE_FIELDS = frozenset(WRITABLE_FIELDS) - NOT_NULLABLE - frozenset(("owner_guid",))

FIELD_CHOICES = {
    "access_type": ("all", "logged_in", "acl"),
    "content_category": ("", "mcp"),
}
# The lengths of title Connect accepts (shorter or longer: 400 InvalidApplicationTitle).
TITLE_LENGTH = (3, 1024)
NON_NEGATIVE_FIELDS = frozenset((
    "connection_timeout", "read_timeout", "init_timeout", "idle_timeout", "max_processes", "min_processes",
    "max_conns_per_process", "load_factor", "memory_request", "memory_limit", "cpu_request", "cpu_limit",
    "amd_gpu_limit", "nvidia_gpu_limit",
))

# Options of connect_content that set one field each (option -> Ansible type);
# `owner` sets owner_guid after resolving a username or guid.
FIELD_OPTIONS = {
    "title": "str",
    "description": "str",
    "access_type": "str",
    "owner": "str",
    "locked": "bool",
    "locked_message": "str",
    "min_processes": "int",
    "max_processes": "int",
    "max_conns_per_process": "int",
    "load_factor": "float",
    "init_timeout": "int",
    "idle_timeout": "int",
    "connection_timeout": "int",
    "read_timeout": "int",
    "run_as": "str",
    "run_as_current_user": "bool",
    "default_image_name": "str",
}
OPTION_FIELD = {"owner": "owner_guid"}
