"""The change log of a project: history of changes to codings, memos, codes, attributes and decisions, and undo."""
