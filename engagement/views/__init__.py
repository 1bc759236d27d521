"""Engagement's views, one module per area (see urls_*.py)."""
