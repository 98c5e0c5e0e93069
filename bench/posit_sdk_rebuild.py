"""The posit-sdk contender: rebuild every content item that runs R or Python, item by item, following each task.

posit-sdk has no build method: the build is its client's POST /v1/content/{guid}/build, and the task is followed with
its Task.wait_for, as posit-sdk's documentation shows for a deploy.

Usage: python posit_sdk_rebuild.py   (CONNECT_SERVER, CONNECT_API_KEY from the environment)
"""

from posit import connect


def main():
    client = connect.Client()  # reads CONNECT_SERVER and CONNECT_API_KEY
    built = failed = 0
    for item in client.content.find():
        if not (item.get("r_version") or item.get("py_version")) or not item.get("bundle_id"):
            continue
        answer = client.post("v1/content/%s/build" % item["guid"], json={"bundle_id": item["bundle_id"]}).json()
        task = client.tasks.get(answer["task_id"])
        task.wait_for()
        if task.get("code"):
            failed += 1
        else:
            built += 1
    print(built, failed)


if __name__ == "__main__":
    main()
