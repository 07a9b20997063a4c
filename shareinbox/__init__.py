"""shareinbox: a shared inbox for small customer-support teams, run from a terminal."""

__version__ = "0.1.0"
