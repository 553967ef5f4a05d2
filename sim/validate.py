"""`python -m sim.validate`: an alias of `python -m sim.validation` (sim/validation/command.py)."""

import sys

from .validation.command import main

if __name__ == "__main__":
    sys.exit(main())
