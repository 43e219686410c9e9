"""Contract intake: workers, contracts and their versions, fee payments, the criteria preview, API submissions."""
