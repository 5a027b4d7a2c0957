"""Starting a program: `init` from the flagship or one of the packaged presets (presets/)."""
