"""Safe file handling: checked zip archives, XML without entities, atomic writes, deterministic zips."""
