"""`lint`: check every card file and report `path:line: level: message` (see docs/lint.md)."""
