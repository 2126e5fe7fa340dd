"""`python -m digest`: the same entry point as the `digest` console script."""

import sys

from digest.cli import main

sys.exit(main())
