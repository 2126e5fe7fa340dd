"""`python -m digest`: the same entry point as the `digest` console script."""

import sys

from digest.cli import main

# Guarded: rebuild's worker processes may import this module again (spawn, forkserver).
if __name__ == "__main__":
    sys.exit(main())
