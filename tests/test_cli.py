"""The spine commands end to end: generate, load, analyze, demo; every command documented."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pyarrow.csv as pacsv
import pytest
import typer
from typer.testing import CliRunner

import liens
from liens.presentation.cli import app

runner = CliRunner()


def test_every_command_has_help_text() -> None:
    group = typer.main.get_command(app)
    names = list(group.commands)
    assert {"load", "analyze", "generate", "demo", "config", "tables"} <= set(names)
    for name in names:
        command = group.commands[name]
        if hasattr(command, "commands"):
            subcommands = list(command.commands.values())
        else:
            subcommands = [command]
        for sub in subcommands:
            assert (sub.help or "").strip(), f"command {name} {sub.name} has no help text"
            for param in sub.params:
                if isinstance(param, click.Option):
                    assert (param.help or "").strip() or param.name in ("help",), f"{name} --{param.name} has no help"


def test_main_command_takes_lang_version_and_readable_types(monkeypatch) -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("liens ")
    assert runner.invoke(app, ["--lang", "fr", "config"]).exit_code == 0
    fr = runner.invoke(app, ["--lang", "fr", "tables", "--store", "/nonexistent/x.duckdb"])
    assert "Erreur" in fr.output or "Table" in fr.output
    monkeypatch.setenv("LIENS_LANG", "fr")
    assert "Réglage" in runner.invoke(app, ["config"], env={"COLUMNS": "200"}).output
    monkeypatch.delenv("LIENS_LANG")
    assert "Setting" in runner.invoke(app, ["config", "--lang", "en"], env={"COLUMNS": "200"}).output
    helped = runner.invoke(app, ["inbox", "--help"], env={"COLUMNS": "200"}).output
    assert "<bool>" not in helped and "<str>" not in helped and "TEXT" in helped


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world") / "w"
    result = runner.invoke(app, ["generate", str(out), "--accounts", "800", "--seed", "5"])
    assert result.exit_code == 0, result.output
    return out


def test_generate_writes_dataset_and_truth(world: Path) -> None:
    for table in ("accounts", "posts", "interactions", "follows", "audience", "conversions", "costs", "identities"):
        assert (world / f"{table}.csv").exists(), table
    assert (world / "truth" / "summary.json").exists()


def test_analyze_dataset_writes_one_row_per_account_and_interaction(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = runner.invoke(app, ["analyze", str(world), "--out", str(out), "--store", str(tmp_path / "s.duckdb"),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    accounts_in = pacsv.read_csv(world / "accounts.csv").num_rows
    interactions_in = pacsv.read_csv(world / "interactions.csv").num_rows
    accounts = pacsv.read_csv(out / "accounts.csv")
    interactions = pacsv.read_csv(out / "interactions.csv")
    assert accounts.num_rows == accounts_in
    assert interactions.num_rows == interactions_in
    assert len(set(accounts.column("account_id").to_pylist())) == accounts_in
    assert (out / "accounts.parquet").exists() and (out / "interactions.parquet").exists()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["interactions"] == interactions_in and summary["accounts"] == accounts_in
    assert "core" in summary["analyses"]
    # every result table is documented
    documented = (Path(__file__).parents[1] / "docs" / "results.md").read_text(encoding="utf-8")
    for csv_file in out.glob("*.csv"):
        assert f"`{csv_file.stem}`" in documented, f"{csv_file.stem} is not documented in docs/results.md"
    assert "Real" in result.output and "Vanity" in result.output


def test_python_api_on_a_store(world: Path, tmp_path: Path) -> None:
    store = tmp_path / "api.duckdb"
    report = liens.load(world, store)
    assert report.rows_in["interactions"] > 0
    results = liens.analyze(store)
    frame = results.df("accounts")
    assert len(frame) == report.rows_in["accounts"]
    assert results.summary["interactions"] == report.rows_in["interactions"]
    again = liens.results(results.store)
    assert again.summary == results.summary


def test_demo_in_french_prints_a_summary_and_writes_results(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--accounts", "800", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "Résumé" in result.output and "Vitrine" in result.output
    # how to open what it made
    assert "report.html" in result.output and "liens serve --store" in result.output and "liens inbox --store" in result.output
    assert (tmp_path / "results" / "summary.json").exists()
    assert (tmp_path / "results" / "accounts.csv").exists()


def test_generate_brand_view_writes_only_what_a_brand_holds(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    runner = CliRunner()
    env = {"LIENS_LANG": "en", "COLUMNS": "200"}
    full = runner.invoke(app, ["generate", str(tmp_path / "full"), "--accounts", "600", "--seed", "2"], env=env)
    brand = runner.invoke(app, ["generate", str(tmp_path / "brand"), "--accounts", "600", "--seed", "2",
                                "--view", "brand"], env=env)
    assert full.exit_code == 0 and brand.exit_code == 0, (full.output, brand.output)
    rows = {name: (tmp_path / name / "interactions.csv").read_text(encoding="utf-8").count("\n") - 1
            for name in ("full", "brand")}
    assert 0 < rows["brand"] < rows["full"] / 2
    assert f"{rows['brand']:,} interactions" in " ".join(brand.output.split())
    bad = runner.invoke(app, ["generate", str(tmp_path / "x"), "--accounts", "600", "--view", "everything"], env=env)
    assert bad.exit_code == 2 and "--view" in bad.output and "Traceback" not in bad.output
