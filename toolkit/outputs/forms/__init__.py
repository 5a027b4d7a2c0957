"""Fillable forms: planned (plan.py), laid out (layout.py, fonts.py), filled (filling.py) and packed per pair (packs.py)."""
