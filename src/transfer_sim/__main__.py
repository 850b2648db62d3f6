"""``python -m transfer_sim``: the same command line as ``transfer-sim``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
