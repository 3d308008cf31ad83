"""Household rosters (花名册) in Excel or CSV: reading, column mapping, checking, exporting.

The write itself is :mod:`workteam_desktop.store.roster`; this package reads files and
talks to the store through it, so the GUI, the CLI and tests share one import path.
"""
