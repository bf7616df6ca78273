"""`python -m crawler.mocksite WORLD.json`: serve a world on 127.0.0.1 and print its base URL (until Ctrl-C)."""
from __future__ import annotations

import sys
import time

from crawler.mocksite.server import MockSite
from crawler.mocksite.world import World


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawler.mocksite WORLD.json", file=sys.stderr)
        return 2
    site = MockSite(World.load(argv[0]))
    print(site.start(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
