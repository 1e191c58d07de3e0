"""`python -m wasmlite ...` is the `wasmlite` command."""

import sys

from .cli.main import main

sys.exit(main())
