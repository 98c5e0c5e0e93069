"""docs/tls-self-signed.md works: its openssl commands, run against a stand-in whose certificate chain
ends in a self-signed root (the seed's "self signed certificate in certificate chain"), give the CA file
that `ca_path` then needs."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from connect_standin import StandIn
from connect_standin.tls import make_ca

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "tls-self-signed.md"

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


def guide_commands():
    """The guide's `$ openssl ...` command lines, in order."""
    return [line[2:] for line in GUIDE.read_text().splitlines() if line.startswith("$ openssl ")]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    certs = make_ca(tmp_path_factory.mktemp("certs"))
    chain = Path(certs["cert"]).read_text() + Path(certs["ca"]).read_text()  # leaf, then the root
    Path(certs["cert"]).write_text(chain)
    server = StandIn(tls=(certs["cert"], certs["key"])).start()
    yield server, certs
    server.stop()


def run(command, server, cwd):
    port = server.url.rsplit(":", 1)[1].split("/")[0]
    command = command.replace("connect.example.com:443", "127.0.0.1:" + port)
    command = command.replace("-servername connect.example.com", "-servername localhost")
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=str(cwd), capture_output=True,
                          text=True, timeout=60, check=False)
    return proc.stdout + proc.stderr


def test_the_guide_finds_the_ca_and_ca_path_uses_it(tls_server, tmp_path, playbook):
    server, certs = tls_server
    look, save, check, verify = guide_commands()

    assert "-showcerts" in look and "self-signed certificate in certificate chain" in run(look, server, tmp_path)
    run(save, server, tmp_path)
    assert (tmp_path / "connect-ca.pem").read_text().strip() == Path(certs["ca"]).read_text().strip()
    details = run(check, server, tmp_path)
    subject = re.search(r"^subject=(.*)$", details, re.M).group(1)
    issuer = re.search(r"^issuer=(.*)$", details, re.M).group(1)
    assert subject == issuer and "Fingerprint" in details
    assert "Verify return code: 0 (ok)" in run(verify, server, tmp_path)

    text = """
    - name: TLS
      hosts: localhost
      gather_facts: false
      tasks:
        - name: Without ca_path
          posit.connect.connect_server_info:
          ignore_errors: true
        - name: With ca_path
          posit.connect.connect_server_info:
            ca_path: "{{ ca }}"
    """
    result = playbook(text, server=server, extra_vars={"ca": str(tmp_path / "connect-ca.pem")}).ok()
    failed = result["Without ca_path"]
    assert failed["_status"] == "failed"
    assert "TLS verification failed" in failed["msg"] and "ca_path" in failed["msg"]
    assert result["With ca_path"]["server"]["version"] == server.version
