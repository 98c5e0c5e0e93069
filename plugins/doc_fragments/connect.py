# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # What every module of the collection shares: its authors, the connection options
    # (module_utils/engine/module.py: connect_argument_spec) and the action group.
    DOCUMENTATION = r"""
author:
  - posit.connect contributors (@posit-connect-ansible)
options:
  server:
    description:
      - URL of the Posit Connect server.
      - Any of V(https://connect.example.com), V(https://connect.example.com/),
        V(https://connect.example.com/__api__), V(https://connect.example.com/__api__/v1), or a server behind a
        path prefix such as V(https://example.com/rsc/). Not the dashboard's address
        (V(https://connect.example.com/connect/)); a task given that address says what to write instead.
      - If not set, the environment variable E(CONNECT_SERVER) is used. One of the two is required; in the
        collection's roles, the variable C(connect_server) sets it.
    type: str
  api_key:
    description:
      - "Connect API key, sent as C(Authorization: Key <api_key>)."
      - Never printed, returned or logged.
      - If not set, the environment variable E(CONNECT_API_KEY) is used. One of the two is required; in the
        collection's roles, the variable C(connect_api_key) sets it.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set O(ca_path) instead for a self-signed or internal CA; V(false) is a last resort
        and makes the module warn.
      - If not set, the environment variable E(CONNECT_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM CA bundle used to verify the server's certificate, for a
        self-signed certificate or a corporate CA.
      - A path that does not exist fails the task before any request.
      - If not set, the environment variable E(CONNECT_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for Connect to answer one request. A server that does not answer in
        time fails the task with a clear message; it is not retried.
    type: float
    default: 30
  retries:
    description:
      - How many times to retry a request that got HTTP 502, 503 or 504 or whose connection dropped, with
        exponential backoff that honours C(Retry-After). HTTP 429 is not counted here (see O(rate_limit_wait)).
      - Reads, updates and deletes are retried; a create (POST) whose response was lost is
        never blindly repeated.
      - A refused connection or a host name that does not resolve fails at once, without retries.
      - The task warns once with the number of retried requests and their outcome; C(-v) shows each retry.
    type: int
    default: 5
  rate_limit_wait:
    description:
      - Seconds that a task may wait in total while Connect rate-limits it (HTTP 429). Each 429 is retried after
        its C(Retry-After) (or a backoff when it has none), and every request of the task waits with it, until
        the waits add up to this budget; then the request fails.
      - If not set, the environment variable E(CONNECT_RATE_LIMIT_WAIT) is used.
    type: float
    default: 300
requirements:
  - requests
attributes:
  action_group:
    description: Use C(group/posit.connect.connect) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - posit.connect.connect
"""

    # The `mode` option of the modules that write files (module_utils/engine/module.py: file_mode_spec).
    FILE_MODE = r"""
options:
  mode:
    description:
      - The permissions of the file the module writes, in octal (V('0640')) or symbolic (V(u=rw,g=r)) form, as in
        M(ansible.builtin.file).
      - A symbolic link planted at the destination is never followed. The file is written to a temporary file in the
        same directory, created readable by its owner alone, and renamed over the destination; a file that is
        appended to in place (an incremental export) must not be a symbolic link.
      - The default keeps the file private; set it to share the file.
    type: raw
    default: '0600'
"""

    # The options of the info modules that list many items (module_utils/engine/module.py: listing_spec, run_listing).
    LISTING = r"""
options:
  fields:
    description:
      - Return only these top-level keys of each item, such as V([guid, name]), in this order; a small result is
        faster to pass through Ansible. The other keys of the result are unchanged.
      - A key an item lacks is left out of that item, not set to null. A name no item has is not an error (servers
        of different versions send different fields); those items then have none of it.
      - Applies to the items written to O(dest) too. Nested keys cannot be named.
      - Default is every key that Connect sent.
    type: list
    elements: str
    version_added: 0.2.0
  dest:
    description:
      - Write the items to this local file as JSON Lines (one JSON object per line, keys sorted) instead of returning
        them, for inventory reports of any size. The list of items is then not returned; RV(dest), RV(count) and
        RV(checksum) are.
      - Every value is written as data. Line breaks and other control characters in a value are escaped, so each
        item is one line.
      - The file is replaced only when its content differs, which reports C(changed=true). O(mode) sets its
        permissions (C(0600) by default). In check mode the items are read and counted but no file is written, and
        C(changed) predicts whether it would be.
      - A directory, or a path whose directory does not exist, fails the task before Connect is asked.
    type: path
    version_added: 0.2.0
"""

    # Which content items an operations module acts on (module_utils/concepts/selection.py: selection_spec).
    CONTENT_SELECTION = r"""
options:
  guid:
    description:
      - Selects the content item with this guid. An unknown guid fails the task before anything is done.
      - Mutually exclusive with O(items) and O(owned_by).
    type: str
  name:
    description:
      - Selects the content item with this name, among all content that the API key can see.
      - If several items have this name, set O(owner) to choose the one that user owns, or the task fails and lists
        their guids and owners.
      - Mutually exclusive with O(items) and O(owned_by).
    type: str
  owner:
    description:
      - With O(name) (or O(guid)), the user (username or guid) who owns the item.
    type: str
  items:
    description:
      - Selects several items, each by C(guid), or by C(name) (with C(owner) where names repeat), from one
        C(GET /v1/content). An unknown entry fails the task before anything is done, naming its position.
    type: list
    elements: dict
    suboptions:
      guid:
        description: The item's guid.
        type: str
      name:
        description: The item's name.
        type: str
      owner:
        description: The user (username or guid) who owns the item named C(name).
        type: str
  owned_by:
    description:
      - Selects every content item that this user (username or guid) owns; with O(items), O(tags) or O(app_mode),
        only those of the selected items that the user owns.
    type: str
  tags:
    description:
      - Selects the content items that carry every one of these tags, each written as its path from the category,
        for example V(Department/Finance). With other selection options, narrows their selection.
      - An unknown tag path fails the task before anything is done.
    type: list
    elements: str
  app_mode:
    description:
      - Selects the content items of these modes (Connect's C(app_mode), for example V(shiny), V(quarto-static),
        V(python-api)). With other selection options, narrows their selection.
    type: list
    elements: str
"""
