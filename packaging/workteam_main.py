"""Entry point of the frozen program (PyInstaller): the ``workteam`` command.

Without arguments it opens the GUI, which is what the installed shortcuts do; with a
subcommand it is the usual command line (``workteam households list …``).
"""

import sys

from workteam_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
