# -*- coding: utf-8 -*-
# Copyright: (c) 2026, posit.connect contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed request means, in one line that names the fix: HTTP error answers, answers that are not
Connect's API, TLS failures and connections that were never made. The client (client.py) raises what these
functions build."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import socket
import ssl

try:
    from urllib.parse import urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, but sanity imports this
    from urlparse import urlsplit, urlunsplit

from ansible_collections.posit.connect.plugins.module_utils.api.error_codes import ERROR_CODES
from ansible_collections.posit.connect.plugins.module_utils.api.errors import ConnectError

RETRY_STATUSES = frozenset((429, 502, 503, 504))
DASHBOARD_PATH = "/connect"  # Connect's dashboard lives at https://host/connect/ (the API at https://host/__api__)
# What OpenSSL says when the other end of an https:// URL answered something that is not TLS (e.g. plain HTTP).
NOT_TLS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length too long",
           "HTTP_REQUEST", "http request", "unknown protocol")
HOSTNAME_MISMATCH = ("mismatch", "doesn't match", "not valid for")
# What OpenSSL says when no trusted CA signed the chain.
UNTRUSTED = ("unable to get local issuer certificate", "self-signed certificate", "self signed certificate",
             "unable to get issuer certificate")
# What a TLS port answers a plain-HTTP request with: Go's net/http (Connect itself) and nginx.
PLAIN_HTTP_TO_TLS = ("HTTP request to an HTTPS server", "plain HTTP request was sent to HTTPS port")


def short(exc):
    """The innermost reason of a requests/urllib3 exception, in one line."""
    text = str(exc)
    match = re.search(r"\(Caused by \w+\((.*)\)\)$", text)
    if match:
        text = match.group(1)
    return re.sub(r"\s+", " ", text).strip()[:300]


def host_port(api_root):
    parts = urlsplit(api_root)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def dashboard_server(api_root):
    """The server URL when the one given was Connect's dashboard (https://host/connect/), else None."""
    parts = urlsplit(api_root)
    path = parts.path[:-len("/__api__")]
    if not path.endswith(DASHBOARD_PATH):
        return None
    return urlunsplit((parts.scheme, parts.netloc, path[:-len(DASHBOARD_PATH)], "", ""))


def server_hint(api_root):
    dashboard = dashboard_server(api_root)
    if dashboard:
        return ("'server' is Connect's dashboard address (%s/); the server URL is %s"
                % (dashboard + DASHBOARD_PATH, dashboard))
    return None


def _hint_for_status(status, rate_limit_wait):
    if status == 401:
        return ("Check 'api_key' (CONNECT_API_KEY): the key is missing, wrong or revoked, "
                "or its user is locked")
    if status == 403:
        return "The API key's user lacks permission for this; it may need an administrator's key"
    if status == 429:
        return ("Connect kept rate-limiting requests past 'rate_limit_wait' (%gs of pauses in all); "
                "raise rate_limit_wait or lower the concurrency" % rate_limit_wait)
    if status in RETRY_STATUSES:
        return "Connect is overloaded or unavailable; it was retried with backoff (option 'retries')"
    return None


def http_error(method, shown, resp, api_root, rate_limit_wait):
    """The ConnectError for an HTTP error answer: status, Connect's code, name and text, and what to check."""
    code = text = payload = None
    ctype = resp.headers.get("Content-Type", "no content type").split(";")[0]
    if "json" in ctype:
        try:
            data = resp.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            code, text, payload = data.get("code"), data.get("error"), data.get("payload")
    parts = []
    if code is not None:
        parts.append("Connect error %s %s" % (code, ERROR_CODES.get(code, "Unknown")))
    if text:
        parts.append(str(text))
    elif code is None and resp.status_code == 400 and plain_http_to_tls(resp, api_root):
        parts.append("the server at %s:%s speaks TLS and refused the plain-HTTP request that 'server' (%s) made. "
                     "Set 'server' to %s" % (host_port(api_root) + (api_root, https_server(api_root))))
    elif code is None and resp.status_code == 404:
        parts.append(server_hint(api_root) or (
            "there is no Connect API at 'server' (%s): the answer was a %s page, not a Connect error. "
            "Check the URL; if Connect is served under a path prefix, include it (https://host/rsc/)"
            % (api_root, ctype)))
    elif code is None and 300 <= resp.status_code < 400:
        parts.append("Connect, or a proxy in front of it, redirects to %s: set 'server' to the address it redirects "
                     "to (API requests do not follow redirects, which would resend a write as a GET)"
                     % (resp.headers.get("Location") or "another address"))
    elif code is None:
        parts.append("the response was not a Connect API error (%s); check 'server' (%s)" % (ctype, api_root))
    parts.append(_hint_for_status(resp.status_code, rate_limit_wait))
    sentences = [p.strip().rstrip(".") for p in parts if p]
    return ConnectError("%s %s failed: HTTP %s: %s." % (method, shown, resp.status_code, ". ".join(sentences)),
                        method=method, path=shown, status=resp.status_code, code=code, payload=payload)


def https_server(api_root):
    """The https:// form of an http:// server (without /__api__)."""
    parts = urlsplit(api_root)
    return urlunsplit(("https", parts.netloc, parts.path[:-len("/__api__")], "", ""))


def plain_http_to_tls(resp, api_root):
    """True when an http:// request got the answer of a TLS port to plain HTTP (Go's or nginx's 400 text)."""
    if not api_root.startswith("http://"):
        return False
    text = resp.content[:2048].decode("utf-8", "replace")
    return any(marker in text for marker in PLAIN_HTTP_TO_TLS)


def speaks_tls(host, port, timeout):
    """True when host:port completes a TLS handshake (nothing is sent over it, nothing verified)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # only to learn whether the port speaks TLS
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host):
                return True
    except (OSError, ValueError):
        return False


def not_json_error(method, shown, resp, api_root):
    """The ConnectError for a successful answer that is not JSON: a web page, a proxy or a login page."""
    ctype = resp.headers.get("Content-Type", "")
    return ConnectError(
        "%s %s: expected JSON from the Connect API but got %s (HTTP %s). %s."
        % (method, shown, ctype.split(";")[0] or "no content type", resp.status_code,
           server_hint(api_root) or "'server' (%s) does not point at Connect's API, or a proxy or login "
           "page answered instead" % api_root),
        method=method, path=shown, status=resp.status_code)


def connect_error(method, shown, exc, api_root):
    """A connection that was never made: an unknown host or nothing listening."""
    host, port = host_port(api_root)
    text = short(exc)
    if "resolve" in text or "not known" in text or "nodename nor servname" in text:
        why = "the host name %r could not be resolved (%s)" % (host, text.rsplit(": ", 1)[-1])
    elif "refused" in text.lower():
        why = "nothing accepts connections at %s:%s (connection refused)" % (host, port)
    else:
        why = text
    return ConnectError("Could not connect to Connect for %s %s: %s. Check the host and port in 'server' (%s)."
                        % (method, shown, why, api_root), method=method, path=shown)


def tls_error(method, shown, exc, api_root, timeout, ca_path=None):
    """A TLS failure: not TLS at all (wrong scheme or port), a certificate for other names, a CA in 'ca_path'
    that did not sign the server's certificate, or a CA that the system does not trust."""
    host, port = host_port(api_root)
    text = short(exc)
    if any(marker in text for marker in NOT_TLS):
        message = ("%s %s: the server at %s:%s did not answer TLS (%s). 'server' (%s) says https://, but that "
                   "port does not speak TLS: check the scheme and port in 'server' (http:// for a plain-HTTP "
                   "port, or Connect's HTTPS port)" % (method, shown, host, port, text, api_root))
    elif any(marker in text for marker in HOSTNAME_MISMATCH):
        names = certificate_names(host, port, timeout)
        message = ("TLS verification failed for %s %s: the server's certificate does not name %r%s. Set 'server' "
                   "to a name the certificate carries, or have the certificate reissued to include %r (%s)"
                   % (method, shown, host, "; it names %s" % ", ".join(names) if names else "", host, text))
    elif ca_path and not any(marker in text for marker in UNTRUSTED):
        message = "TLS verification failed for %s %s: %s" % (method, shown, text)  # e.g. an expired certificate
    elif ca_path:
        message = ("TLS verification failed for %s %s: the CA in 'ca_path' (%s) did not sign the server's "
                   "certificate (%s). Set 'ca_path' to the PEM file of the CA that signed it: "
                   "docs/tls-self-signed.md shows how to find it" % (method, shown, ca_path, text))
    else:
        message = ("TLS verification failed for %s %s: %s. If Connect uses a self-signed or internal CA "
                   "certificate, set 'ca_path' to the CA bundle (PEM) or add the CA to the system's trust "
                   "store; as a last resort set 'validate_certs: false'" % (method, shown, text))
    return ConnectError(message + ".", method=method, path=shown)


def certificate_names(host, port, timeout):
    """The DNS names and IP addresses that the server's certificate carries; [] when they cannot be read."""
    try:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # only to read the names: nothing is sent over this connection
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host) as tls:
                der = tls.getpeercert(binary_form=True)
        from cryptography import x509  # ansible-core's own dependency
        cert = x509.load_der_x509_certificate(der)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return san.get_values_for_type(x509.DNSName) + [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except Exception:  # the names are a hint: without them the message still says what is wrong
        return []
