"""``python -m readq``: the same as the ``readq`` command."""

import sys

from readq.cli import main

sys.exit(main())
