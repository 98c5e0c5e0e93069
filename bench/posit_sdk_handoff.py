"""The posit-sdk contender: hand all of one user's content to another, as posit-sdk's documentation shows.

Usage: python posit_sdk_handoff.py FROM_USERNAME TO_USERNAME   (CONNECT_SERVER, CONNECT_API_KEY from the environment)
"""

import sys

from posit import connect


def main(from_username, to_username):
    client = connect.Client()  # reads CONNECT_SERVER and CONNECT_API_KEY
    old_owner = client.users.find_one(prefix=from_username)
    new_owner = client.users.find_one(prefix=to_username)
    moved = 0
    for item in client.content.find(owner_guid=old_owner["guid"]):
        item.update(owner_guid=new_owner["guid"])
        moved += 1
    print(moved)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
