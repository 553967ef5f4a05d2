"""Every default parameter names its source, every output column is documented, and the generated
tables (docs/PARAMETERS.md, docs/OUTPUTS.md) are current."""

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd

from sim import outputs
from sim.catalogue import CATALOGUE
from sim.compose import compose_config
from sim.config import ParamsConfig
from sim.docs import OUT, OUTPUTS, render, rows
from sim.policies import FAMILIES
from sim.recorder import described_columns
from sim.run import SUMMARY_KEYS, run


def test_every_parameter_names_its_source():
    items = list(rows(ParamsConfig(), "params.")) + list(rows(next(iter(CATALOGUE.values()))))
    for module in FAMILIES.values():
        items += list(rows(module.Measure()))
    missing = [name for name, _, _, source in items if not source.strip()]
    assert not missing


def test_parameter_table_is_up_to_date():
    assert Path(OUT).read_text() == render(), "run `python -m sim.docs` and commit docs/PARAMETERS.md"


def test_output_columns_table_is_up_to_date():
    assert OUTPUTS.read_text() == outputs.render(), "run `python -m sim.docs` and commit docs/OUTPUTS.md"


def test_every_column_a_baseline_run_writes_is_documented_once(tmp_path):
    run(compose_config(["scale=classroom", "scale.factor=0.04", "output.plots=false"]), tmp_path)
    for table, described in described_columns().items():
        columns = list(pd.read_parquet(tmp_path / f"{table}.parquet").columns)
        wrong = {c: m for c in columns if len(m := outputs.matching(described, c)) != 1}
        assert not wrong, f"{table}: columns matching no or several rows of {table} in sim/recorder.py: {wrong}"
        unused = [p for p, _, _ in described if not any(outputs.matching([(p, "", "")], c) for c in columns)]
        assert not unused, f"{table}: documented but not written: {unused}"
    keys = json.loads((tmp_path / "summary.json").read_text())
    assert sorted(keys) == sorted(k for k, _, _ in SUMMARY_KEYS)


ROOT = Path(__file__).resolve().parent.parent


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_in_the_readme_and_docs_resolves():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # code blocks hold no links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if not path.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and anchor not in {_slug(h) for h in re.findall(r"^#+ (.+)$", path.read_text(), re.M)}:
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken


def test_benchmark_table_goes_between_the_markers_of_the_performance_page(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    page = tmp_path / "PERFORMANCE.md"
    page.write_text((ROOT / "docs" / "PERFORMANCE.md").read_text())
    bench._write_markdown(page, "Entangle benchmarks - test machine", "| a | b |", ["--only", "app"])
    before, after = (ROOT / "docs" / "PERFORMANCE.md").read_text(), page.read_text()
    assert "| a | b |" in after and "test machine" in after and "2,108,410" not in after
    assert after.split(bench.START)[0] == before.split(bench.START)[0]
    assert after.split(bench.END)[1] == before.split(bench.END)[1]


def test_no_merge_conflict_markers_are_left_in_the_docs_or_code():
    # A merge that committed its markers once left two versions of a section in CALIBRATION.md.
    root = Path(__file__).resolve().parent.parent
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    files = [*root.glob("*.md"), *root.glob("docs/**/*.md"), *root.glob("sim/**/*.py"), *root.glob("configs/**/*.yaml")]
    assert files
    assert [str(f.relative_to(root)) for f in files if marker.search(f.read_text(encoding="utf-8"))] == []
