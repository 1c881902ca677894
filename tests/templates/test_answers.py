"""Answers: hostile text is refused by the validators with a clear message; what is
accepted renders inert; computed values (the release pin) follow the template."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder.contract.validate import load_contract
from tests.templates.helpers import (
    actionlint,
    copier_copy,
    generate,
    git,
    make_template_repo,
    zizmor,
)

yaml = YAML(typ="safe")

HOSTILE = [
    ("description", 'Orders" ; echo pwned'),
    ("description", "Orders {{ 7 * 7 }}"),
    ("description", "Orders ${{ github.event.issue.title }}"),
    ("description", "Orders\ninjected: true"),
    ("description", "Orders [[ domain ]]"),
    ("description", "it's fine"),
    ("owner", "${{ secrets.GITHUB_TOKEN }}@example.com"),
    ("owner", "team@example.com\n* @attacker"),
    ("codeowners", "@acme/orders\n* @attacker"),
    ("domain", "orders{{ 1 }}"),
    ("domain", "../escape"),
    ("product", "events'; drop table x; --"),
    ("product", "events\n"),
    ("freshness", "15m\n"),
    ("availability", '99.9%"'),
    ("roles", "analyst,${{ github.actor }}"),
    ("platform_repo", "acme/repo@main; curl evil"),
    ("platform_ref", "v1 ${{ github.ref }}"),
    ("default_branch", 'main"]'),
    ("template", "../../outside"),
    ("cloud", "aws\"; exit 1"),
    ("warehouse", "duckdb{{ x }}"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_repo(tmp_path_factory.mktemp("tpl") / "datamesh-scaffolder")


@pytest.mark.parametrize(("question", "value"), HOSTILE, ids=[f"{q}-{i}" for i, (q, _) in enumerate(HOSTILE)])
def test_hostile_answers_are_refused(template: Path, tmp_path: Path, question: str, value: str) -> None:
    """Copier's Python API (what `copier copy --data` calls), in process to keep the suite fast."""
    import copier

    dst = tmp_path / "orders"
    with pytest.raises(ValueError) as err:
        copier.run_copy(str(template), str(dst), data={question: value}, defaults=True,
                        vcs_ref="v1.0.0", quiet=True, unsafe=False)
    assert (f"Validation error for question '{question}'" in str(err.value)
            or f"Invalid choice for '{question}'" in str(err.value))
    assert not (dst / "data-product-contract.yaml").exists()


def test_hostile_answer_on_the_command_line(template: Path, tmp_path: Path) -> None:
    dst = tmp_path / "orders"
    proc = copier_copy(template, dst, "description=Orders ${{ github.event.issue.title }}")
    assert proc.returncode != 0
    assert "Validation error for question 'description'" in proc.stderr
    assert "no quotes, braces, $ or" in " ".join(proc.stderr.split())
    assert not dst.exists()


def test_punctuation_that_is_allowed_renders_inert(template: Path, tmp_path: Path) -> None:
    text = "Orders & returns (EU): one row per order; v2/3 + refunds - net_amount."
    dst = generate(template, tmp_path / "orders", f"description={text}", "owner=@acme/orders-team",
                   "codeowners=@acme/orders-team dev@example.com")
    c = load_contract(dst / "data-product-contract.yaml")
    assert c.description == text and c.owner == "@acme/orders-team"
    schema = yaml.load((dst / "models" / "schema.yml").read_text())
    assert schema["models"][0]["description"] == text
    assert (dst / "CODEOWNERS").read_text().splitlines()[-1] == "* @acme/orders-team dev@example.com"
    workflows = sorted((dst / ".github" / "workflows").glob("*.yml"))
    assert actionlint(*workflows).returncode == 0
    assert zizmor(*workflows) == []


def test_domain_defaults_to_the_folder_name(template: Path, tmp_path: Path) -> None:
    dst = generate(template, tmp_path / "customer-engagement")
    c = load_contract(dst / "data-product-contract.yaml")
    assert c.name == "customer-engagement.customer_engagement_events"
    assert (dst / "models" / "customer_engagement_events.sql").is_file()
    # A folder name that is not a slug falls back to the documented default.
    other = generate(template, tmp_path / "Not A Slug")
    assert load_contract(other / "data-product-contract.yaml").domain == "orders"


def test_release_pin_is_the_template_tag_or_the_answer(template: Path, tmp_path: Path) -> None:
    tagged = generate(template, tmp_path / "tagged" / "orders")
    assert "acme/datamesh-scaffolder@v1.0.0" in (tagged / "requirements.txt").read_text()
    pinned = generate(template, tmp_path / "pinned" / "orders", "platform_ref=v9.9.9")
    assert "@v9.9.9" in (pinned / "requirements.txt").read_text()
    assert "(v9.9.9)" in (pinned / ".github" / "workflows" / "data-product-check.yml").read_text()


def test_untagged_template_pins_main(tmp_path: Path) -> None:
    template = make_template_repo(tmp_path / "tpl")
    (template / "NOTES").write_text("after the tag\n")
    git(template, "add", "NOTES")
    git(template, "commit", "-q", "-m", "untagged")
    dst = generate(template, tmp_path / "orders", ref="HEAD")
    assert "acme/datamesh-scaffolder@main" in (dst / "requirements.txt").read_text()


def test_platform_repo_comes_from_a_github_source() -> None:
    """The default OWNER/REPO is read from a GitHub _src_path (no network here: the
    question's default is rendered with the Jinja settings Copier uses)."""
    from jinja2.sandbox import SandboxedEnvironment

    config = yaml.load((Path(__file__).resolve().parents[2] / "copier.yml").read_text())
    env = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
                               **config["_envops"])
    default = env.from_string(config["platform_repo"]["default"])
    for src, expected in [("https://github.com/globex/mesh-platform.git", "globex/mesh-platform"),
                          ("git@github.com:globex/mesh-platform.git", "globex/mesh-platform"),
                          ("gh:globex/mesh-platform", "globex/mesh-platform"),
                          ("/srv/templates/platform", "acme/datamesh-scaffolder")]:
        assert default.render(_copier_answers={"_src_path": src}).strip() == expected, src


def test_the_starter_description_is_the_domains_own(template: Path, tmp_path: Path) -> None:
    billing = load_contract(generate(template, tmp_path / "billing") / "data-product-contract.yaml")
    assert billing.description == "Billing events of the billing domain, one row per order, latest state."
    orders = load_contract(generate(template, tmp_path / "orders") / "data-product-contract.yaml")
    assert orders.description == "Order events of the orders domain, one row per order, latest state."
