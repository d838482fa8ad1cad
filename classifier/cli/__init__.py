"""The ``pmrole`` command line: ``main`` is the console script, ``cli`` the click group."""

from .main import cli, main

__all__ = ["cli", "main"]
