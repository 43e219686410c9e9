"""An integrator's view: a standard generator (openapi-python-client) turns the live spec into a typed client with
no warning, and that client submits a contract and reads its findings from a running server."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from recruitment_watch import create_app

from .conftest import contract_body

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory, monkeypatch_module):
    """The package ``rwclient`` generated from the spec, importable."""
    folder = tmp_path_factory.mktemp("client")
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "DATABASE_URL": "sqlite://"})
    spec = folder / "openapi.json"
    spec.write_text(app.test_client().get("/api/v1/openapi.json").get_data(as_text=True))
    env = {**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(spec), "--meta", "none", "--output-path", str(folder / "rwclient")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    monkeypatch_module.syspath_prepend(str(folder))
    return importlib.import_module("rwclient")


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture()
def served(app):
    """``app`` behind a real HTTP server on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_a_generated_client_submits_a_contract_and_reads_its_findings(generated_client, served, world):
    from rwclient.api.api_v_1 import get_contract, list_findings, run_sweep, submit_contract
    from rwclient.models import ApiContractInput, ContractAccepted, FindingPage, SweepOut

    agency = generated_client.AuthenticatedClient(base_url=served, token=world.agency_a.key)
    ministry = generated_client.AuthenticatedClient(base_url=served, token=world.ministry.key)
    body = contract_body(world.employer_id, "CT-GEN-1")
    body["versions"][1]["basic_wage_minor"] = 50_000  # below the Qatari minimum wage: the preview says so
    answer = submit_contract.sync_detailed(client=agency, body=ApiContractInput.from_dict(body))
    assert answer.status_code == 201, answer.content
    accepted = answer.parsed
    assert isinstance(accepted, ContractAccepted)
    assert accepted.contract.reference == "CT-GEN-1" and len(accepted.contract.versions) == 2
    previewed = {finding.criterion_id for finding in accepted.preview}
    assert previewed

    fetched = get_contract.sync(client=agency, contract_id=accepted.contract.id)
    assert fetched.reference == "CT-GEN-1"
    sweep = run_sweep.sync(client=ministry)
    assert isinstance(sweep, SweepOut) and sweep.new_findings >= len(previewed)
    page = list_findings.sync(client=agency, limit=500)
    assert isinstance(page, FindingPage)
    found = {finding.criterion_id for finding in page.items if finding.subject_type == "contract_version"}
    assert previewed <= found
