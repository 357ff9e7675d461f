"""Hand coding: codings, memos, excerpt queries, matrices, agreement, filters and project.codings."""
