"""Case work: complaints filed and followed, agencies answering findings, SLA clocks, notifications."""
