"""Upkeep of the stored data: worker-data retention (pseudonymisation after the period) and backup and restore."""
