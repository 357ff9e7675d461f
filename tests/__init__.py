"""Tests mirror the workbench package; conformance tests read ../shared/fixtures when present."""
