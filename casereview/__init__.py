"""Casereview: runs statutory case reviews for safeguarding boards."""
