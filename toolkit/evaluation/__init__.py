"""Evaluation: survey responses read and checked, and the report computed from them, small groups suppressed."""
