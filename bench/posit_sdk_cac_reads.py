"""The posit-sdk contender for content as code: the same reads, item by item, as posit-sdk's documentation shows
(the content list, then each item's permissions).

Usage: python posit_sdk_cac_reads.py   (CONNECT_SERVER, CONNECT_API_KEY from the environment)
"""

from posit import connect


def main():
    client = connect.Client()  # reads CONNECT_SERVER and CONNECT_API_KEY
    entries = 0
    items = client.content.find()
    for item in items:
        entries += len(item.permissions.find())
    print(len(items), entries)


if __name__ == "__main__":
    main()
