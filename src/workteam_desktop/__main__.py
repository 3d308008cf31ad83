"""``python -m workteam_desktop`` runs the ``workteam`` command."""

import sys

from .cli.main import main

sys.exit(main())
