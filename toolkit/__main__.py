"""`python -m toolkit` runs the revmentor command."""

from .cli import main

main()
