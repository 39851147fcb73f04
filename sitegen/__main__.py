"""``python -m sitegen`` is the ``sitegen`` command."""

from .launch import command

command()
