"""``python -m workteam_server`` = ``workteam-server``."""

import sys

from .cli import main

sys.exit(main())
