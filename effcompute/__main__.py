"""``python -m effcompute``: the command line, as the ``effcompute`` console script runs it."""

import sys

from effcompute.cli import main

sys.exit(main())
