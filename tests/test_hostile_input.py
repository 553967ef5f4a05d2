"""Hostile and degenerate input: a corpus of bad scenario files and overrides, each refused before
anything is built or written, with one line naming the file or key (issue: hardening).

The corpus is data: each case is a scenario text (or override) and the start of the line it must
give. Cases are generated for every lever family and field too, so a new family is covered the
day it is added.
"""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest

from sim.catalogue import BlocSpec
from sim.cli import _one_line, precheck
from sim.compose import compose_config
from sim.limits import MAX_AGENTS, MAX_SCENARIO_BYTES
from sim.policies import FAMILIES
from sim.run import prepare

ROOT = Path(__file__).resolve().parent.parent

BOMB = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x]"]
    + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefg", "bcdefgh")]
)

# name -> (scenario file text, start of the error line)
FILES: dict[str, tuple[str, str]] = {
    "env_interpolation": ("start: ${oc.env:HOME}", "scenario.start: holds an interpolation"),
    "secret_interpolation": ("description: ${oc.env:SECRET_TOKEN}", "scenario.description: holds an interpolation"),
    "nested_interpolation": (
        "timeline: {2025Q1: {export_controls: {issuer: '${oc.env:USER}'}}}",
        "scenario.timeline.2025Q1.export_controls.issuer: holds an interpolation",
    ),
    "interpolation_in_key": ("actors: {'${oc.env:HOME}': {openness: 0.5}}", "scenario.actors: key"),
    "interpolation_in_list": ("blocs: [EU, '${oc.env:HOME}']", "scenario.blocs[1]: holds an interpolation"),
    "alias_bomb": (BOMB, "scenario: alias_bomb.yaml expands to more than"),
    "recursive_alias": ("a: &a [1, *a]", "scenario: recursive_alias.yaml line 1 has a recursive alias"),
    "duplicate_key": ("start: 2017Q1\nstart: 2018Q1", "scenario: duplicate_key.yaml line 2: duplicate key 'start'"),
    "duplicate_nested_key": (
        "timeline: {2025Q1: {export_controls: {stringency: 0.5, stringency: 0.9}}}",
        "scenario: duplicate_nested_key.yaml line 1: duplicate key 'stringency'",
    ),
    "quoted_number": (
        "timeline: {2025Q1: {regulation: {bloc: EU, strictness: '0.85'}}}",
        "scenario.timeline.2025Q1.regulation.strictness: wrong type",
    ),
    "quoted_bool": ("behaviour: {retaliation: 'yes'}", "scenario.behaviour.retaliation: wrong type"),
    "quoted_count": ("actors: {CN: {countries: {CN: {institutions: '5'}}}}", "scenario.actors.CN.countries.CN"),
    "huge_institutions": (
        "actors: {CN: {countries: {CN: {institutions: 2000000000}}}}",
        "scenario.actors.CN.countries.CN.institutions: 2000000000 is out of range",
    ),
    "endless_span": ("start: 1990Q1\nend: 2100Q4", "scenario.end: the run spans"),
    "year_one": ("start: 0001Q1", "scenario.start: '0001Q1' is out of range"),
    "year_9999": ("end: 9999Q4", "scenario.end: '9999Q4' is out of range"),
    "budget_1e300": (
        "timeline: {2025Q1: {investai: {budget_eur_bn: 1.0e+300}}}",
        "scenario.timeline.2025Q1.investai.budget_eur_bn",
    ),
    "paper_rate_1e300": ("actors: {EU: {paper_rate: 1.0e+300}}", "scenario.actors.EU.paper_rate"),
    "affinity_inf": (
        "actors: {EU: {countries: {DE: {affinity: {CN: .inf}}}}}",
        "scenario.actors.EU.countries.DE.affinity.CN: inf is out of range",
    ),
    "round_size_inf": ("actors: {CN: {round_size: .inf}}", "scenario.actors.CN.round_size: inf is out of range"),
    "round_size_nan": ("actors: {CN: {round_size: .nan}}", "scenario.actors.CN.round_size: nan is out of range"),
    "field_mix_short": ("actors: {EU: {field_mix: [1, 2]}}", "scenario.actors.EU.field_mix"),
    "field_mix_zero": ("actors: {EU: {field_mix: [0, 0, 0, 0, 0, 0]}}", "scenario.actors.EU.field_mix"),
    "bloc_without_countries": (
        "blocs: [EU, CN, XX]\nactors: {XX: {name: Nowhere}}",
        "scenario.actors.XX.countries: is empty",
    ),
    "country_without_firms": (
        "actors: {CN: {countries: {CN: {firms: 0}}}}",
        "scenario.actors.CN.countries.CN: has no institutions, firms or investors",
    ),
    "too_many_measures": (
        "timeline:\n  2025Q1:\n    shocks: [" + ", ".join(["{mobility: 0.1}"] * 5001) + "]",
        "scenario.timeline: holds 5,001 measures",
    ),
    "extends_not_a_name": ("extends: [baseline]", "scenario.extends"),
    "extends_missing_file": ("extends: /etc/hostname.yaml", "scenario: file '/etc/hostname.yaml' not found"),
    "top_level_list": ("- a\n- b", "scenario: top_level_list.yaml must hold a mapping"),
    "tab_indent": ("timeline:\n\t2025Q1: {}", "scenario: tab_indent.yaml line 2 is not valid YAML"),
    "python_tag": ("name: !!python/object/apply:os.system ['true']", "scenario: python_tag.yaml"),
    "target_key": ("_target_: os.system", "scenario._target_: unknown key"),
    "bloc_twice": ("blocs: [EU, EU, CN]", "scenario.blocs"),
    "one_bloc": ("blocs: [EU]", "scenario.blocs"),
    "timeline_not_mapping": ("timeline: {2025Q1: [1, 2]}", "scenario.timeline.2025Q1: must map"),
}


def _numeric_fields(cls):
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        if hint in (int, float):
            yield f


# Every numeric field of every lever family: as text, as infinity, and out of range where bounded.
for family, module in sorted(FAMILIES.items()):
    for f in _numeric_fields(module.Measure):
        key = f"scenario.timeline.2025Q1.{family}.{f.name}"
        entry = "timeline: {2025Q1: {%s: {%s: %s}}}"
        FILES[f"{family}.{f.name}-text"] = (entry % (family, f.name, "'0.5'"), f"{key}: wrong type")
        FILES[f"{family}.{f.name}-inf"] = (entry % (family, f.name, ".inf"), f"{key}: inf is out of range")
        hi = f.metadata.get("hi")
        if hi is not None:
            FILES[f"{family}.{f.name}-above"] = (entry % (family, f.name, hi + 1), f"{key}: ")
        FILES[f"{family}.{f.name}-negative"] = (entry % (family, f.name, -1), f"{key}: -1")

# Every numeric field of a bloc's actor data: as text and as infinity.
for f in _numeric_fields(BlocSpec):
    key = f"scenario.actors.EU.{f.name}"
    FILES[f"actors.{f.name}-text"] = (f"actors: {{EU: {{{f.name}: 'many'}}}}", f"{key}: wrong type")
    FILES[f"actors.{f.name}-inf"] = (f"actors: {{EU: {{{f.name}: .inf}}}}", f"{key}: inf is out of range")

OVERRIDES: dict[str, str] = {
    "+params.collaboration.tie_decayy=0.05": "params.collaboration.tie_decayy: unknown key",
    "+x._target_=os.system": "x: unknown key",
    "+policies.export_controls.foo=1": "policies.export_controls.foo",
    "scale.factor=1e9": "scale.factor",
    "end=9999Q4": "end: '9999Q4' is out of range",
    "policies.start=0001Q1": "policies.start",
    "params.collaboration.tie_decay=.inf": "params.collaboration.tie_decay",
    "params.investment.refill_rate=nan": "params.investment.refill_rate",
}


@functools.lru_cache(maxsize=1)
def _classroom_config():
    return compose_config(["scale=classroom", "scale.factor=0.04"])


def _scenario_line(path) -> str:
    """What `python -m sim scenario=<path> scale=classroom` would say (the config composed once, not per case)."""
    cfg = _classroom_config().copy()
    cfg.scenario = str(path)
    with pytest.raises(Exception) as info:
        prepare(cfg)
    line = _one_line(info.value)
    assert "\n" not in line and "Traceback" not in line
    return line


def _line(argv) -> str:
    with pytest.raises(Exception) as info:
        precheck(argv)
    line = _one_line(info.value)
    assert "\n" not in line and "Traceback" not in line
    return line


def test_the_corpus_is_large():
    assert len(FILES) + len(OVERRIDES) >= 120


@pytest.mark.parametrize("name", sorted(FILES))
def test_bad_scenario_file_is_one_line(tmp_path, name):
    text, start = FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text + "\n")
    line = _scenario_line(path)
    assert line.startswith(start), line
    assert "s3cr3t" not in line and str(Path.home()) not in line  # no environment value leaks


@pytest.mark.parametrize("override", sorted(OVERRIDES))
def test_bad_override_is_one_line(override):
    line = _line([override])
    assert line.startswith(OVERRIDES[override]), line


def test_oversized_and_non_utf8_files_name_the_file(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("description: '" + "x" * MAX_SCENARIO_BYTES + "'\n")
    assert _line([f"scenario={big}"]).startswith("scenario: big.yaml has")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("description: Zürich\n".encode("latin-1"))
    assert _line([f"scenario={latin}"]).startswith("scenario: latin.yaml is not UTF-8 text")


def test_a_huge_population_is_refused_before_any_array_is_built(tmp_path):
    line = _line(["scale.factor=65"])
    assert line.startswith("scale.factor")
    many = tmp_path / "many.yaml"
    many.write_text("actors: {CN: {countries: {CN: {institutions: 900000, firms: 900000, investors: 900000}}}}\n")
    assert _line([f"scenario={many}"]).startswith("scenario.actors: asks for 2,7")
    assert MAX_AGENTS >= 64 * 18_643  # the largest allowed scale of the shipped catalogue fits


def test_uploads_may_extend_only_shipped_scenarios(tmp_path):
    from sim.app.session import Session
    from sim.errors import ConfigError

    secret = tmp_path / "private.yaml"
    secret.write_text("name: private\n")
    upload = tmp_path / "upload.yaml"
    for parent in (str(secret), "private", "../../etc/passwd"):
        upload.write_text(f"extends: '{parent}'\n")
        with pytest.raises(ConfigError) as info:
            Session(str(upload), uploaded=True)
        line = str(info.value)
        assert line.startswith("scenario.extends:") and "not a shipped scenario" in line, line
        assert "not found" not in line  # says nothing about which files exist
    upload.write_text("extends: baseline\n")
    assert Session(str(upload), uploaded=True).model.blocs == ["EU", "CN", "US"]


PEAK = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"
)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["alias_bomb", "huge_institutions", "too_many_measures", "env_interpolation"])
def test_command_line_refuses_in_one_line_with_little_memory(tmp_path, name):
    text, start = FILES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text + "\n")
    # The command's own peak memory, through a small wrapper process that runs it and reports its child's
    # ru_maxrss: measured from this test process, a child's peak would include this (large, by then) process's
    # memory, which the child carries until it execs (CI saw 1.13 GB that way, twice).
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK,
            sys.executable,
            "-m",
            "sim",
            f"scenario={path}",
            f"hydra.run.dir={tmp_path / 'out'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    stderr, _, peak_kb = proc.stderr.rstrip("\n").rpartition("\n")
    stderr += "\n"
    assert proc.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith(f"error: {start}"), stderr
    assert not (tmp_path / "out").exists()
    assert int(peak_kb) < 1024 * 1024  # KiB: under 1 GB
