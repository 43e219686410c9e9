"""PDF compliance reports: one data builder per kind (plain data computed in SQL), one renderer (Jinja2 templates →
WeasyPrint, PDF/A-3b with embedded Noto fonts), one store (the report row: scope, progress, SHA-256, verification
token). Rendering runs in a separate, time- and memory-capped process (``run`` starts ``worker``)."""
