"""Deterministic demo data: realistic corridors, agencies, employers, contracts, fees and complaints.

``recruitment-watch demo`` seeds it; the benchmarks of the criteria engine use it to build large databases.
"""
