"""The domain template's Dagster project, materialised with the real Dagster and dagster-dbt.

A defect is planted in the sample data (a negative amount); the contract's
asset check for it fails, the others pass, and the schedule follows the SLA.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.templates.helpers import dbt, generate, make_template_repo

pytest.importorskip("dagster")
pytest.importorskip("dagster_dbt")
pytestmark = pytest.mark.slow

SCRIPT = """
import json, dagster as dg
from orchestration.definitions import CHECK_IDS, RESOURCES, contract_checks, dbt_models, defs, schedule
result = dg.materialize([dbt_models, contract_checks], resources=RESOURCES, raise_on_error=False)
evals = {CHECK_IDS.get(e.check_name, e.check_name): e.passed for e in result.get_asset_check_evaluations()}
defs.resolve_job_def("build_and_check")
print(json.dumps({"checks": evals, "cron": schedule.cron_schedule, "contract": sorted(CHECK_IDS.values())}))
"""


def test_dagster_project_reflects_a_planted_defect(tmp_path: Path) -> None:
    template = make_template_repo(tmp_path / "tpl" / "datamesh-scaffolder")
    domain = generate(template, tmp_path / "orders", "orchestrator=dagster", "freshness=1h")
    assert (domain / "orchestration" / "definitions.py").is_file()
    seed = next((domain / "seeds").glob("raw_*.csv"))
    lines = seed.read_text().splitlines()
    last = lines[-1].split(",")
    last[0], last[4] = "ORD-9999", "-5.00"  # a new order with a negative amount
    seed.write_text("\n".join([*lines, ",".join(last)]) + "\n")
    parsed = dbt(domain, "parse")
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    env = {**os.environ, "PYTHONPATH": f"{domain}{os.pathsep}{ROOT}", "DAGSTER_HOME": str(tmp_path / "dg"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    (tmp_path / "dg").mkdir()
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=domain, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(out["contract"]) <= set(out["checks"]), out  # one asset check per contract check
    contract = {cid: out["checks"][cid] for cid in out["contract"]}
    failing = sorted(cid for cid, ok in contract.items() if not ok)
    assert failing and all("amount" in cid for cid in failing), contract
    assert any(ok for ok in contract.values())
    assert out["cron"] == "*/30 * * * *"  # freshness 1h: a run every half hour
