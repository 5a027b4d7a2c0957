"""The program: its model, the YAML loader with positions, validation, the JSON Schema, derived views."""
