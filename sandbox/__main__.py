"""`python -m sandbox --port 8010 --seed demo`: run the sandbox as its own process."""

import argparse
import logging
import signal
import sys

from sandbox.demo import seed_demo
from sandbox.server import Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--public-url", default=None, help="the URL clients use, if not http://host:port")
    parser.add_argument("--seed", choices=["demo", "none"], default="none")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    sandbox = Sandbox(host=args.host, port=args.port, public_url=args.public_url)
    if args.seed == "demo":
        seed_demo(sandbox)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Zoom sandbox on {sandbox.base_url} (control API: {sandbox.base_url}/_sandbox/)", flush=True)
    try:
        sandbox.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
