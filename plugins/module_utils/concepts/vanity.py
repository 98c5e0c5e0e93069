# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Vanity paths ("/sales/"): normalised and checked as Connect does, and read from the URLs Connect answers.

Pure and importing nothing of the collection: connect_content's vanity_url facet uses it, and the
content-as-code filter reads it without loading the HTTP client (Ansible imports every filter file).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.six.moves.urllib.parse import urlsplit

VANITY_RE = re.compile(r"^/[A-Za-z0-9_/-]+/$")
RESERVED_VANITY_PREFIXES = ("/__", "/favicon.ico", "/connect", "/apps", "/users", "/groups", "/setpassword",
                            "/user-completion", "/confirm", "/recent", "/reports", "/plots", "/unpublished",
                            "/settings", "/metrics", "/tokens", "/help", "/login", "/welcome", "/register",
                            "/resetpassword", "/content")


def normalise_vanity(path):
    """A vanity path as Connect stores it: a leading and a trailing slash; "" stays "" (no vanity URL)."""
    path = (path or "").strip()
    return "" if not path else "/" + path.strip("/") + "/"


def vanity_problem(path, option):
    """Why Connect forbids a (normalised) vanity path (characters, the root, reserved prefixes), as the message
    of an error naming the option; None when Connect accepts it."""
    if path == "/" or not VANITY_RE.match(path):
        return ("Option '%s': %r is not a vanity path Connect accepts: use letters, digits, '-', '_' and '/', e.g. "
                "'/sales/' (and \"\" to remove the vanity URL)." % (option, path))
    lowered = path.lower()
    for prefix in RESERVED_VANITY_PREFIXES:
        if lowered.startswith(prefix + ("" if prefix == "/__" else "/")):
            return ("Option '%s': %r starts with %r, a path Connect reserves for itself; choose another path."
                    % (option, path, prefix))
    return None


def vanity_path(url, root=""):
    """The vanity path of a vanity_url as Connect answers it (a URL under the server's root, whose path is
    `root`, e.g. "/rsc" or ""), normalised; None when there is none."""
    if not url:
        return None
    path = urlsplit(url).path if "://" in url else url
    root = (root or "").rstrip("/")
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return normalise_vanity(path)


def server_root(content_url):
    """The path of the server's root, from an item's content_url ("https://host/rsc/content/<guid>/" -> "/rsc")."""
    return urlsplit(content_url or "").path.split("/content/")[0]
