"""`python -m sim.report`: one self-contained brief from a comparison or a sweep folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAST = ["scale=classroom", "end=2026Q4", "hydra/launcher=basic"]
SECTIONS = (
    "The question",
    "Scenarios and their measures",
    "Charts",
    "Robustness and sensitivity",
    "Validation status of this model version",
    "Reproduce",
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def sections(html: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", html)


def assert_offline(html: str) -> None:
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?!data:)[a-z]+:", html), "a resource outside the page"
    assert not re.search(r"https?://", html)


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "cmp"
    done = run("-m", "sim.compare", f"sweep={out}", "scenario=eu_derisk", "seeds=2", *FAST, cwd=out.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run("-m", "sim.report", str(out), cwd=out.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.mark.slow
def test_a_comparison_brief_has_every_section_and_reads_offline(comparison):
    html = (comparison / "brief.html").read_text()
    assert [s for s in SECTIONS if s not in sections(html)] == []
    assert "Headline effects in 2026" in sections(html)
    assert_offline(html)
    # every effect fan is embedded, and the measures eu_derisk adds are named in plain language
    fans = list((comparison / "plots").glob("effect_*.png"))
    assert fans and html.count('src="data:image/png;base64,') == len(fans)
    assert "EU research security towards CN" in html and "python -m sim.compare" in html


@pytest.mark.slow
def test_the_markdown_brief_links_images_that_exist(comparison):
    md = (comparison / "brief.md").read_text()
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert links and all((comparison / link).is_file() for link in links)
    assert "| outcome | meaning |" in md


@pytest.mark.slow
def test_a_sweep_brief_names_what_varied(tmp_path):
    out = tmp_path / "sweep"
    done = run("-m", "sim", "--multirun", f"hydra.sweep.dir={out}", "scenario=baseline,eu_derisk", *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run("-m", "sim.report", f"folder={out}", f"out={tmp_path / 'brief'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (tmp_path / "brief" / "brief.html").read_text()
    assert [s for s in SECTIONS if s not in sections(html)] == []
    assert "varying scenario" in html and "python -m sim --multirun" in html
    assert_offline(html)


@pytest.mark.parametrize(
    "args, key",
    [([], "folder"), (["folder=/nonexistent/x"], "folder"), (["nofolder"], "folder"), (["bogus=1"], "bogus")],
)
def test_bad_input_is_one_line(tmp_path, args, key):
    done = run("-m", "sim.report", *args, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0], done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_neither_kind_is_refused_in_one_line(tmp_path):
    (tmp_path / "x").mkdir()
    done = run("-m", "sim.report", "x", cwd=tmp_path)
    assert done.returncode == 2 and "neither a comparison nor a sweep" in done.stderr
    assert not (tmp_path / "x" / "brief.html").exists()


def _search_folder(folder: Path, policies: int) -> Path:
    """A robust search folder as `python -m sim.robust search` writes it (no model runs: the brief only reads)."""
    import json

    import pandas as pd

    from sim.robust.search import parcoords

    lever, objectives = "policies.research_security.screening", [["capability_EU", "max", "q10"]]
    folder.mkdir()
    pareto = pd.DataFrame({lever: [k / policies for k in range(policies)], "q10(capability_EU)": 0.7})
    pareto.to_parquet(folder / "pareto.parquet", index=False)
    pd.DataFrame({"world": [0, 1], "params.x": [0.1, 0.2]}).to_parquet(folder / "worlds.parquet", index=False)
    evaluations = pd.DataFrame({f"lever:{lever}": 0.0, "world": ["world0", "world1"] * 3, "capability_EU": 0.7})
    evaluations.to_parquet(folder / "evaluations.parquet", index=False)
    parcoords(pareto, [lever], [tuple(o) for o in objectives], folder / "plots" / "pareto_parcoords.png")
    search = {
        "command": "python -m sim.robust search nfe=3",
        "base_overrides": ["scenario=baseline", "seed=0", "scale=classroom"],
        "levers": {lever: [0, 1]},
        "objectives": objectives,
        "years": [2026, 2030],
        "start": "2025Q3",
        "nfe": 3,
        "population": 2,
        "sows": 2,
        "search_seed": 0,
        "uncertainties": {"params.x": [0.1, 0.2, "assumption: a test range"]},
    }
    (folder / "search.json").write_text(json.dumps(search))
    return folder


def test_a_search_brief_names_each_pareto_policys_file_and_its_objectives(tmp_path):
    from sim.report.__main__ import build

    html_path, md_path = build(_search_folder(tmp_path / "search", policies=45))
    html, md = html_path.read_text(), md_path.read_text()
    assert [s for s in SECTIONS if s not in sections(html)] == []
    assert_offline(html)
    # a row of the Pareto table names the scenario file that reruns it
    assert re.search(r"\| policies/policy_3\.yaml \| 0\.06667 \|", md)
    assert "the first 40 of 45 policies" in md and "policies/policy_40.yaml" not in md
    assert "6 model runs" in md and "AI capability" in md  # what was run, what the objective means
    assert "sim.analyze" not in md  # its tools do not read a search folder
