"""The bare Flask baseline of the API benchmark: one endpoint, no database."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> str:
    """Answer at once."""
    return "hello"
