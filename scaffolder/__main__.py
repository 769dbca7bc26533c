"""`python -m scaffolder` runs the protean-init command line."""

import sys

from scaffolder.cli import main

sys.exit(main())
