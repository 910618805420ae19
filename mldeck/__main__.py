"""`python -m mldeck …`: the same commands as `python build_deck.py …`, on every OS (Windows too)."""

import sys

from .bootstrap import ensure_dependencies

if __name__ == "__main__":
    ensure_dependencies(sys.argv[1:], ["-m", "mldeck"])
    from .cli import main

    sys.exit(main(prog="python -m mldeck"))
