"""The review queue of the Suggestions page: a keyboard-driven card (component v2) and bulk decisions."""
