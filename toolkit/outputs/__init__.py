"""The output families: one module or package each, all of one shape (family.py)."""
