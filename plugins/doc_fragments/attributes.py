# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The check and diff mode attributes, one block per kind of module.

    A module adds what is its own under the same attribute (for example `details`); its keys win.
    """

    # A module that only reads from Connect.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Can run in check mode; it only reads from Connect, so it runs the same.
  diff_mode:
    support: none
    description: Changes nothing on Connect, so there is nothing to diff.
"""

    # A module that writes to Connect.
    WRITE_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description:
      - Sends no write request; every read still happens.
      - Returns the same C(changed), and the result that a real run would produce.
  diff_mode:
    support: full
    description: Returns C(diff) with C(before) and C(after) of what changes.
"""
