"""Test certificates for serving the stand-in over HTTPS (needs ``trustme``)."""

import os


def make_ca(dirpath):
    """Write a CA bundle and a server certificate/key for 127.0.0.1 and localhost.

    Returns {"ca": ca.pem, "cert": server.pem (leaf + chain), "key": server.key};
    pass (cert, key) as StandIn(tls=...) and ca to the client (ca_path / verify).
    """
    import trustme  # a test dependency only

    ca = trustme.CA(organization_name="connect-standin test CA")
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    paths = {name: os.path.join(str(dirpath), name) for name in ("ca.pem", "server.pem", "server.key")}
    ca.cert_pem.write_to_path(paths["ca.pem"])
    leaf.private_key_pem.write_to_path(paths["server.key"])
    with open(paths["server.pem"], "wb") as handle:
        for blob in leaf.cert_chain_pems:
            handle.write(blob.bytes())
    return {"ca": paths["ca.pem"], "cert": paths["server.pem"], "key": paths["server.key"]}
