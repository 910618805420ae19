#!/usr/bin/env python3
"""Entry point: python build_deck.py [scrape|fetch|build|lint|...] (see --help)."""

import sys

from mldeck.cli import main

if __name__ == "__main__":
    sys.exit(main())
