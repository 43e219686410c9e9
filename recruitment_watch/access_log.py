"""gunicorn's access log without the complainant: on the anonymous complaint pages the line keeps the time, the
request line, the status and the size, and drops the address, the user agent, the referrer and every header.

``recruitment-watch serve`` runs gunicorn with ``--logger-class recruitment_watch.access_log.PrivateAccessLogger``;
run it the same way in production (README, docs/complaints.md).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

# Paths an anonymous complainant uses; nothing that could identify their device is logged for them.
PRIVATE_PREFIXES = ("/complaints/",)


def private_path(path: str | None) -> bool:
    return bool(path) and (path + "/").startswith(PRIVATE_PREFIXES)


class PrivateAccessLogger(Logger):
    """gunicorn's logger, with the identifying atoms blanked on the private paths."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201  (gunicorn's signature)
        atoms = super().atoms(resp, req, environ, request_time)
        if private_path(environ.get("PATH_INFO")):
            for name in list(atoms):
                if name in ("h", "a", "f", "u") or name.startswith("{"):
                    atoms[name] = "-"
        return atoms
