"""Oversight: agency risk scores and ranking, public figures and the health check."""
