"""Pairing: the roster, the assignment, the match and its report, and the one pairs-file format."""
