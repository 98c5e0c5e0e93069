"""python -m connect_standin [options]: serve until SIGTERM/SIGINT.

Prints "READY <url>" on stdout once listening (and writes the port to --port-file).
"""

import argparse
import json
import os
import signal
import sys
import threading

from .server import DEFAULT_VERSION, StandIn


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m connect_standin", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--version", default=DEFAULT_VERSION,
                        help="Connect version to report; an empty string hides it")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay before each API answer")
    parser.add_argument("--prefix", default="", help="path prefix, e.g. /rsc")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (chain) file")
    parser.add_argument("--tls-key", help="private key for --tls-cert")
    parser.add_argument("--seed", default="demo", choices=("demo", "bench", "empty"),
                        help="demo: a small organisation; bench: large volumes; empty: one administrator")
    parser.add_argument("--content", type=int, help="bench: number of content items")
    parser.add_argument("--audit", type=int, help="bench: number of audit log entries")
    parser.add_argument("--usage", type=int, help="bench: number of Shiny sessions and of visits")
    parser.add_argument("--packages", type=int, help="bench: number of package rows")
    parser.add_argument("--owner", help="bench: username owning the content (default dave)")
    parser.add_argument("--sparse", action="store_true",
                        help="answer recorded endpoints with only the keys every real recording carries")
    parser.add_argument("--keys-file", help="write the API keys here as JSON")
    parser.add_argument("--port-file", help="write the port here once listening (after --keys-file)")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")

    options = {name: getattr(args, name) for name in ("content", "audit", "usage", "packages", "owner")
               if getattr(args, name) is not None}
    server = StandIn(version=args.version or None, latency=args.latency_ms / 1000.0, prefix=args.prefix,
                     tls=(args.tls_cert, args.tls_key) if args.tls_cert else None,
                     seed=args.seed, seed_options=options, port=args.port, sparse=args.sparse)
    server.start()
    if args.keys_file:
        with open(args.keys_file, "w", encoding="utf-8") as handle:
            json.dump(server.keys, handle, indent=2)
    if args.port_file:  # written whole under another name, then renamed: a reader never sees half of it
        partial = args.port_file + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(f"{server.port}\n")
        os.replace(partial, args.port_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print(f"READY {server.url}", flush=True)
    done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
