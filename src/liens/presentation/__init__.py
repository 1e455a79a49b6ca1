"""Presentation: the CLI, the report and the web dashboard. They only show results."""
