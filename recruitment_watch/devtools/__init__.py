"""Tools for developers and benchmarks (throwaway PostgreSQL cluster, benchmark commands); not used at runtime."""
