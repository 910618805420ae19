#!/usr/bin/env python3
"""Entry point: python build_deck.py [scrape|fetch|build|lint|preview|diff|release|...] (see --help).

Started by a Python without the dependencies, it re-runs itself with .venv's Python, or says
in one line how to set that up (mldeck/bootstrap.py). `python -m mldeck …` does the same.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    from mldeck.bootstrap import ensure_dependencies

    ensure_dependencies(sys.argv[1:], [str(Path(__file__).resolve())])
    from mldeck.cli import main

    sys.exit(main())
