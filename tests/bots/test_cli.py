"""The `aims` command as a user runs it: load, query, validate, export, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import run_aims

CONTROL_COUNT = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/aims-graph/ontology#Control> }"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "home"
    result = run_aims(home, "load")
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout
    return home


def test_load_is_idempotent_from_the_command_line(home: Path) -> None:
    first = run_aims(home, "status", check=True).stdout
    run_aims(home, "load", check=True)
    assert run_aims(home, "status", check=True).stdout == first


def test_sparql_table_prints_38_controls(home: Path) -> None:
    result = run_aims(home, "sparql", CONTROL_COUNT)
    assert result.returncode == 0, result.stderr
    assert "38" in result.stdout


def test_sparql_json_is_the_standard_results_format(home: Path) -> None:
    result = run_aims(home, "sparql", CONTROL_COUNT, "--format", "json", check=True)
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["n"]
    assert doc["results"]["bindings"][0]["n"]["value"] == "38"


def test_sparql_csv_has_a_header_row(home: Path) -> None:
    query = (
        "SELECT ?id ?title WHERE { ?c a <https://w3id.org/aims-graph/ontology#Control> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?id ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?title }"
    )
    rows = list(csv.reader(io.StringIO(run_aims(home, "sparql", query, "-f", "csv", check=True).stdout)))
    assert rows[0] == ["id", "title"]
    assert ["A.6.2.8", "AI system recording of event logs"] in rows
    assert len(rows) == 39


def test_bad_query_is_one_clear_line(home: Path) -> None:
    result = run_aims(home, "sparql", "SELEC ?x")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error: SPARQL syntax error")
    assert len(result.stderr.strip().splitlines()) == 1


def test_update_through_sparql_is_refused_and_changes_nothing(home: Path) -> None:
    before = run_aims(home, "status", check=True).stdout
    result = run_aims(home, "sparql", "DROP ALL")
    assert result.returncode == 1
    assert run_aims(home, "status", check=True).stdout == before


def test_validate_reports_node_and_exits_1(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "control.ttl"
    bad.write_text(
        "@prefix iso: <https://w3id.org/aims-graph/iso42001/2023/> .\n"
        "@prefix aims: <https://w3id.org/aims-graph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'iso:A.9.4 a aims:Control ; skos:notation "A.9.4" ; skos:prefLabel "Intended use of the AI system"@en .\n',
        encoding="utf-8",
    )
    result = run_aims(home, "validate", str(bad))
    assert result.returncode == 1
    assert "iso:A.9.4 skos:definition" in result.stderr
    assert "iso:A.9.4 aims:typicalEvidence" in result.stderr


def test_validate_syntax_error_gives_file_and_line(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open .\n', encoding="utf-8")
    result = run_aims(home, "validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_good_file(home: Path) -> None:
    good = Path(__file__).resolve().parents[2] / "ontology" / "iso42001" / "annex-a-7-10.ttl"
    result = run_aims(home, "validate", str(good))
    assert result.returncode == 0, result.stderr
    assert "conforms" in result.stdout


def test_export_writes_turtle(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    result = run_aims(home, "export", "--format", "ttl", "-o", str(target), check=True)
    assert "triples" in result.stdout
    assert "@prefix iso:" in target.read_text(encoding="utf-8")


def test_version() -> None:
    result = run_aims(Path("/nonexistent"), "--version", check=True)
    assert result.stdout.strip() == "aims 0.1.0"


def test_store_in_use_is_reported(home: Path) -> None:
    from graph.store.embedded import OxigraphStore

    holder = OxigraphStore(home / "store")
    try:
        result = run_aims(home, "status")
        assert result.returncode == 1
        assert "open in another process" in result.stderr
    finally:
        holder.close()


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("graphml", "<graphml"),
        ("gexf", "<gexf"),
        ("oscal", '"catalog"'),
        ("oscal-mapping", '"mapping-collection"'),
        ("csv", "control,title"),
    ],
)
def test_export_other_formats(home: Path, tmp_path: Path, fmt: str, marker: str) -> None:
    target = tmp_path / f"out.{fmt}"
    result = run_aims(home, "export", "--format", fmt, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert marker in target.read_text(encoding="utf-8")[:2000]


def test_cli_on_a_remote_sparql_server(oxigraph_server: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "AIMS_HOME": str(tmp_path / "home"), "AIMS_STORE": oxigraph_server}
    exe = Path(sys.executable).parent / "aims"
    subprocess.run([str(exe), "load"], env=env, check=True, capture_output=True, timeout=120)
    out = subprocess.run(
        [str(exe), "sparql", CONTROL_COUNT, "-f", "csv"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.splitlines() == ["n", "38"]
    bad = subprocess.run(
        [str(exe), "status"],
        env={**env, "AIMS_STORE": "http://127.0.0.1:9/query"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "cannot reach the SPARQL server" in bad.stderr and "Traceback" not in bad.stderr
