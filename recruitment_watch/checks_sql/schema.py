"""What each dotted subject path is in a flat row: its kind, its column and how it is stored.

Derived from the subject models in ``recruitment_watch.checks.subjects`` (never hand-listed), so a field added
there appears here, in ``flat_columns`` and in the compiler at once.

Kinds: ``int``, ``float``, ``bool``, ``str``, ``id`` (``str | int`` identifiers: INTEGER or TEXT, compared only
with each other), ``date``, ``datetime``, ``list`` (TEXT ``,a,b,``), ``dict`` (one INTEGER column per key),
``model`` (a nested object; only ``previous`` may be null, recorded by ``previous__present``).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import sqlalchemy as sa
from pydantic import AwareDatetime, BaseModel

from recruitment_watch.checks.subjects import SUBJECT_MODELS

PRESENT = "present"  # previous__present: the optional nested object exists
BOUND_PATHS = {"complaint": {"now"}}  # subject fields passed as bound parameters, not columns


@dataclass(frozen=True)
class PathInfo:
    """One dotted path: its kind, its flat column (None for objects and bound values) and its children."""

    path: str
    kind: str
    column: str | None
    nullable: bool = True
    keys: tuple[str, ...] = ()  # dict keys, or nested field names of a model


def column_name(path: str) -> str:
    """The flat-row column of a dotted path: ``version.basic_wage_minor`` → ``version__basic_wage_minor``."""
    return path.replace(".", "__")


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without Annotated/Optional wrappers, and whether None is allowed."""
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            nullable = nullable or len(members) < len(get_args(annotation))
            if len(members) == 1:
                annotation = members[0]
            else:
                return tuple(_unwrap(m)[0] for m in members), nullable
        else:
            return annotation, nullable


def _scalar_kind(annotation: Any) -> str:
    """The kind of a leaf annotation."""
    if isinstance(annotation, tuple):
        return "id" if set(annotation) == {str, int} else "str"
    if get_origin(annotation) is Literal:
        values = get_args(annotation)
        return "str" if all(isinstance(v, str) for v in values) else "int"
    if get_origin(annotation) is list:
        return "list"
    if annotation is AwareDatetime or annotation is datetime:
        return "datetime"
    for python_type, kind in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (date, "date")):
        if annotation is python_type:
            return kind
    raise TypeError(f"no flat-row kind for {annotation!r}")


@cache
def subject_paths(subject_type: str) -> dict[str, PathInfo]:
    """Every dotted path of ``subject_type`` (objects, dicts, dict keys and leaves) with its kind and column."""
    found: dict[str, PathInfo] = {}
    bound = BOUND_PATHS.get(subject_type, set())

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            annotation, nullable = _unwrap(info.annotation)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                presence = column_name(f"{path}.{PRESENT}") if nullable else None
                found[path] = PathInfo(path, "model", presence, nullable, tuple(annotation.model_fields))
                walk(annotation, f"{path}.")
            elif get_origin(annotation) is dict:
                keys = tuple(get_args(_unwrap(get_args(annotation)[0])[0]))
                found[path] = PathInfo(path, "dict", None, nullable, keys)
                for key in keys:
                    found[f"{path}.{key}"] = PathInfo(f"{path}.{key}", "int", column_name(f"{path}.{key}"))
            else:
                column = None if path in bound else column_name(path)
                found[path] = PathInfo(path, _scalar_kind(annotation), column, nullable)

    walk(SUBJECT_MODELS[subject_type], "")
    return found


def path_info(subject_type: str, path: str) -> PathInfo | None:
    """The info of ``path``, or None for a path no subject of this type can hold (always null)."""
    return subject_paths(subject_type).get(path)


def sql_type(kind: str) -> sa.types.TypeEngine:
    """The column type a flat row uses for a leaf of ``kind``."""
    return {
        "int": sa.BigInteger(),
        "float": sa.Float(),
        "bool": sa.Boolean(),
        "str": sa.Text(),
        "id": sa.Text(),
        "date": sa.Date(),
        "datetime": sa.DateTime(timezone=True),
        "list": sa.Text(),
    }[kind]


def leaf_paths(subject_type: str, path: str) -> list[str]:
    """The column-backed leaf paths under ``path`` (itself when it is a leaf), presence columns included."""
    infos = subject_paths(subject_type)
    return [
        other.path
        for other in infos.values()
        if other.column is not None and (other.path == path or other.path.startswith(f"{path}."))
    ]
