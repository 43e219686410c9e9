"""Use cases shared by the web pages, the API, the CLI and the jobs. Each takes a keyword-only ``session`` and
flushes; the caller (the edge) commits once."""
