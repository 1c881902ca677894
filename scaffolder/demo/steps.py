"""The demo's steps, as data: each runs the real commands a user would type and checks the result.

Every command goes through `Runner.run`, which prints it (`$ ...`) before it
runs, so the demo doubles as a transcript a newcomer can replay by hand. A
step raises DemoFailed when a command does not do what the step says.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffolder.errors import ScaffolderError
from scaffolder.fsutil import atomic_write

STORE = "health.duckdb"  # the demo's run history (`test --record`, `health`, the catalog's SLA pages)


class DemoFailed(ScaffolderError):
    """A step did not do what it says (exit 1)."""


@dataclass
class Runner:
    root: Path  # the demo folder
    templates: Path  # this repo's checkout: copier.yml + templates/
    echo: Callable[[str], None] = print

    @property
    def bin(self) -> Path:
        return Path(sys.executable).parent

    def tool(self, name: str) -> str:
        found = self.bin / name
        if found.exists():
            return str(found)
        which = shutil.which(name)
        if not which:
            raise DemoFailed(f"`{name}` is not installed: pip install -e '.[dbt]' installs what the demo needs")
        return which

    def run(self, argv: list[str], cwd: Path, *, expect: int | tuple[int, ...] = 0, show: int = 0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        shown = " ".join(_short(a, self.root) for a in argv)
        self.echo(f"  $ {shown}" + (f"   (in {_short(str(cwd), self.root)})" if cwd != self.root else ""))
        full_env = {**os.environ, "NO_COLOR": "1", "CI": "true", **(env or {})}
        for var in ("GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
            full_env.pop(var, None)
        proc = subprocess.run(argv, cwd=cwd, env=full_env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        allowed = expect if isinstance(expect, tuple) else (expect,)
        if proc.returncode not in allowed:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise DemoFailed(f"`{shown}` exited {proc.returncode}, expected {' or '.join(map(str, allowed))}:\n{tail}")
        if show:
            for line in proc.stdout.strip().splitlines()[:show]:
                self.echo(f"    {line}")
        return proc

    def scaffolder(self, *args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
        return self.run([sys.executable, "-m", "scaffolder", *args], cwd, **kw)  # type: ignore[arg-type]

    def git(self, *args: str, cwd: Path) -> str:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise DemoFailed(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout


def _short(text: str, root: Path) -> str:
    text = text.replace(str(root) + "/", "").replace(str(root), ".")
    if text == sys.executable:
        return "python"
    if text.startswith(str(Path(sys.executable).parent) + "/"):
        return Path(text).name
    return f"'{text}'" if " " in text else text


# ---------------------------------------------------------------- the steps --

def platform_release(r: Runner) -> None:
    """A local copy of this repo's templates, tagged: what `copier copy --vcs-ref` reads."""
    platform = r.root / "platform"
    platform.mkdir()
    shutil.copy2(r.templates / "copier.yml", platform / "copier.yml")
    shutil.copytree(r.templates / "templates", platform / "templates",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _init_repo(r, platform)
    r.git("add", "-A", cwd=platform)
    r.git("commit", "-qm", "Platform templates v1.0.0", cwd=platform)
    r.git("tag", "v1.0.0", cwd=platform)
    r.echo("  platform templates tagged v1.0.0 in ./platform")


def _init_repo(r: Runner, path: Path) -> None:
    r.git("init", "-q", "-b", "main", cwd=path)
    r.git("config", "user.email", "demo@example.com", cwd=path)
    r.git("config", "user.name", "Scaffolder Demo", cwd=path)
    r.git("config", "commit.gpgsign", "false", cwd=path)


def onboard(r: Runner) -> None:
    """A mesh repo and two domains, with real `copier copy` and nothing else."""
    copier = r.tool("copier")
    platform = str(r.root / "platform")
    mesh = r.root / "mesh"
    r.run([copier, "copy", "--quiet", "--defaults", "--vcs-ref", "v1.0.0", "--data", "template=mesh",
           "--data", "mesh_name=demo-mesh", platform, str(mesh)], r.root)
    for domain in ("orders", "billing"):
        r.run([copier, "copy", "--quiet", "--defaults", "--vcs-ref", "v1.0.0", "--data", "template=domain",
               "--data", f"domain={domain}", platform, str(mesh / "domains" / domain)], r.root)
    # billing consumes orders: the billing team declares it in its contract (a domain edit)
    billing = mesh / "domains" / "billing" / "data-product-contract.yaml"
    text = billing.read_text()
    if 'upstream: ["raw.kafka.billing_events"]' not in text:
        raise DemoFailed("the domain template's lineage block changed; update the demo")
    billing.write_text(text.replace('upstream: ["raw.kafka.billing_events"]',
                                    'upstream: ["raw.kafka.billing_events", "orders.order_events"]'))
    _init_repo(r, mesh)
    r.git("add", "-A", cwd=mesh)
    r.git("commit", "-qm", "Onboard orders and billing", cwd=mesh)
    r.scaffolder("validate", cwd=mesh, show=3)


def build_and_test(r: Runner) -> None:
    """`dbt build` on DuckDB with the sample data, then the contract's checks on the built table."""
    dbt = r.tool("dbt")
    mesh = r.root / "mesh"
    for domain, product in (("orders", "order_events"), ("billing", "billing_events")):
        d = mesh / "domains" / domain
        r.run([dbt, "build", "--project-dir", str(d), "--profiles-dir", str(d), "--quiet"], d,
              env={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
        proc = r.scaffolder("test", "data-product-contract.yaml", "--data", f"target/dev.duckdb::main.{product}",
                            "--format", "json", "--record", str(r.root / STORE), cwd=d)  # dev builds replay the sample data up to now
        report = json.loads(proc.stdout)
        (r.root / "reports").mkdir(exist_ok=True)
        atomic_write(r.root / "reports" / f"{domain}.json", proc.stdout)  # the catalog's health badges
        passed = sum(c["passed"] for c in report["checks"])
        r.echo(f"    {domain}.{product}: {report['rows']} rows, {passed}/{len(report['checks'])} checks passed")
        if not report["ok"]:
            raise DemoFailed(f"data checks failed on {domain}.{product}")


def breaking_pr(r: Runner) -> None:
    """A branch that breaks `orders` with a patch bump: the PR report names billing; `bump` fixes it."""
    mesh = r.root / "mesh"
    contract = mesh / "domains" / "orders" / "data-product-contract.yaml"
    r.git("checkout", "-qb", "drop-amount", cwd=mesh)
    text = contract.read_text()
    start = text.index("      - name: amount")
    end = text.index("      - name:", start + 1) if "      - name:" in text[start + 1:] else text.index("  quality:")
    text = text[:start] + text[end:]
    text = text.replace("      - column: amount\n        assertion: expect_column_values_to_be_between\n"
                        "        value: {min_value: 0, max_value: 1000000}\n", "")
    contract.write_text(text.replace("version: 1.0.0", "version: 1.0.1"))
    r.git("commit", "-qam", "orders: drop amount", cwd=mesh)
    report_md = r.root / "pr-report.md"
    proc = r.scaffolder("ci", "--base-ref", "main", "--comment", "off", "--format", "markdown",
                        "--report-path", str(r.root / "pr-report.json"), cwd=mesh, expect=1)
    markdown = proc.stdout.split("\nPR comment:")[0]
    atomic_write(report_md, markdown)
    for line in markdown.splitlines():
        if line.startswith(("❌", "✅")) or "version-bump-too-small" in line or "field-removed" in line:
            r.echo(f"    {line[:160]}")
    if "billing.billing_events" not in markdown:
        raise DemoFailed("the PR report does not name billing as an impacted consumer")
    r.echo(f"    full report: {_short(str(report_md), r.root)} (billing.billing_events is an impacted consumer)")
    r.scaffolder("bump", "domains/orders/data-product-contract.yaml", cwd=mesh, show=2)
    r.scaffolder("check", "--base", "main", cwd=mesh, show=1)
    r.git("commit", "-qam", "orders: bump to 2.0.0", cwd=mesh)
    r.git("checkout", "-q", "main", cwd=mesh)
    r.git("merge", "-q", "--no-ff", "-m", "Merge drop-amount", "drop-amount", cwd=mesh)


def template_release(r: Runner) -> None:
    """The platform tags v1.1.0; `fleet update` rolls it out to both domains on their own branches."""
    platform = r.root / "platform"
    readme = platform / "templates" / "domain" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Support\n\nAsk the data platform team in #data-platform.\n")
    r.git("commit", "-qam", "Domain README: how to get support", cwd=platform)
    r.git("tag", "v1.1.0", cwd=platform)
    mesh = r.root / "mesh"
    r.scaffolder("fleet", "status", cwd=mesh, show=6)
    proc = r.scaffolder("fleet", "update", "--to", "v1.1.0", "--format", "json", cwd=mesh)
    outcome = json.loads(proc.stdout)
    statuses = {d["domain"]: d["status"] for d in outcome["domains"]}
    for name, status in sorted(statuses.items()):
        r.echo(f"    {name}: {status}")
    if set(statuses.values()) != {"updated"}:
        raise DemoFailed(f"expected every domain updated, got {statuses}")


def catalog(r: Runner) -> None:
    """The catalog site of every contract, with the lineage graph."""
    mesh = r.root / "mesh"
    out = r.root / "catalog"
    for domain, product in (("orders", "order_events"), ("billing", "billing_events")):  # a later scheduled run
        r.scaffolder("test", "data-product-contract.yaml", "--data", f"target/dev.duckdb::main.{product}",
                     "--record", str(r.root / STORE), cwd=mesh / "domains" / domain, expect=(0, 1))
    r.scaffolder("health", "--store", str(r.root / STORE), cwd=mesh, show=4, expect=(0, 1))
    r.scaffolder("catalog", "build", "--out", str(out), "--health", str(r.root / "reports"),
                 "--store", str(r.root / STORE), cwd=mesh, show=2)
    index = out / "index.html"
    if not index.is_file():
        raise DemoFailed("the catalog has no index.html")
    r.echo(f"    open {index} (SLA health: {out / 'health.html'})")


STEPS: list[tuple[str, Callable[[Runner], None]]] = [
    ("Release the platform templates (v1.0.0)", platform_release),
    ("Onboard a mesh and two domains with copier copy", onboard),
    ("Build each domain with dbt on DuckDB and check its data", build_and_test),
    ("Open a PR with a breaking change and too small a bump", breaking_pr),
    ("Release templates v1.1.0 and roll them out with the fleet", template_release),
    ("Build the catalog", catalog),
]
