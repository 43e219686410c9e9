"""Where the shipped data folders live, in a checkout and in an installed wheel.

The top-level layout is fixed (``templates/`` and ``audits/`` beside the package). The wheel installs both inside
the package folder instead, so look there first and fall back to the checkout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """Return the folder ``name`` (``templates`` or ``audits``) from the wheel or the checkout."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / name
