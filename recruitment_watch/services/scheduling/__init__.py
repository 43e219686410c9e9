"""The job-run ledger: one claimed slot per scheduled run, its outcome and history."""
