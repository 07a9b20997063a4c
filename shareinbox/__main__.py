"""``python -m shareinbox`` runs the command line."""

from __future__ import annotations

import sys

from shareinbox.cli import main

sys.exit(main())
