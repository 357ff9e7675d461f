"""Working apart and merging: a copy of a project for one coder (split), and another copy brought back in (merge)."""
