"""`python -m scaffolder` runs the protean-init command line."""

from scaffolder.cli import run

run()
