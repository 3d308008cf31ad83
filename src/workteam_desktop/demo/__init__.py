"""The demo county: realistic, fake data for trying the program and for benchmarks."""

from .generator import DemoCancelled, generate

__all__ = ["DemoCancelled", "generate"]
