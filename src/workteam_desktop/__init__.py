"""workteam: offline-first desktop program for village work teams (驻村工作队)."""

__version__ = "0.1.0"
