"""A documentation site generator that executes and cross-checks every code example it publishes."""

__version__ = "0.1.0"
