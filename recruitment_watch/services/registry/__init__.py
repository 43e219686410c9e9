"""The register: agencies and their licence history, employers, licence expiry, public licence verification."""
