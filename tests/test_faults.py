"""Faults: killed runs, full and read-only disks, two runs into one folder, an edited scenario before a
resume (issue: hardening). After each, a run's or a sweep's output is complete and correct, or
plainly absent or incomplete (no marker), and the next run recovers.

Disk faults are injected at the atomic-write helper (tests run as root here, so chmod does not stop
a write); a real small tmpfs and a read-only bind mount are used where the machine allows mounts.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim import marker
from sim.atomic import write_parquet
from sim.compose import compose_config
from sim.errors import OutputError
from sim.marker import config_hash, is_complete
from sim.run import run
from sim.sweep.aggregate import aggregate

ROOT = Path(__file__).resolve().parent.parent
SHORT = ["scale=classroom", "scale.factor=0.04", "end=2018Q4", "output.plots=false"]
TABLES = ("timeseries.parquet", "countries.parquet", "deals.parquet", "institutions.parquet")
AGGREGATE = ("sweep.parquet", "runs.parquet", "summary.parquet", "events.parquet")
FAULTS = [errno.ENOSPC, errno.EROFS, errno.EACCES]


def tmp_files(folder: Path) -> list[Path]:
    return list(Path(folder).rglob(".*.tmp"))


def fail_replace(monkeypatch, code: int, after: int = 0, match: str = "") -> None:
    """os.replace fails with `code` (the atomic writer's last step) after `after` successes."""
    real, calls = os.replace, []

    def replace(src, dst, *args, **kwargs):
        if match in str(dst):
            calls.append(dst)
            if len(calls) > after:
                raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


# --- the atomic-write helper -----------------------------------------------------------------


@pytest.mark.parametrize("code", FAULTS, ids=errno.errorcode.get)
def test_a_failed_write_names_the_path_and_cause_and_keeps_the_old_file(tmp_path, monkeypatch, code):
    path = tmp_path / "t.parquet"
    write_parquet(pd.DataFrame({"x": [1]}), path)
    before = path.read_bytes()
    fail_replace(monkeypatch, code)
    with pytest.raises(OutputError) as err:
        write_parquet(pd.DataFrame({"x": [2]}), path)
    assert str(err.value) == f"cannot write {path}: {os.strerror(code)}"
    assert path.read_bytes() == before and not tmp_files(tmp_path)


@pytest.mark.parametrize("code", FAULTS, ids=errno.errorcode.get)
def test_a_writer_cut_off_mid_file_leaves_no_half_written_file(tmp_path, monkeypatch, code):
    def half(table, tmp, **kwargs):
        Path(tmp).write_bytes(b"PAR1 half")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(pq, "write_table", half)  # the Parquet writer write_parquet calls
    with pytest.raises(OutputError, match=os.strerror(code)):
        write_parquet(pd.DataFrame({"x": [1]}), tmp_path / "t.parquet")
    assert not list(tmp_path.iterdir())


# --- single runs -----------------------------------------------------------------------------


def complete_and_correct(out: Path, reference: Path) -> None:
    assert is_complete(out) and not tmp_files(out)
    for table in TABLES:
        assert (out / table).read_bytes() == (reference / table).read_bytes(), table


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A clean short run of seed 0: what a recovered run must equal."""
    out = tmp_path_factory.mktemp("reference")
    run(compose_config(SHORT), out, overrides=[])
    return out


@pytest.mark.parametrize("code", FAULTS, ids=errno.errorcode.get)
def test_a_run_cut_off_by_a_disk_fault_is_plainly_incomplete_and_the_next_recovers(
    tmp_path, monkeypatch, reference, code
):
    with monkeypatch.context() as m:
        fail_replace(m, code, after=2)
        with pytest.raises(OutputError, match=os.strerror(code)):
            run(compose_config(SHORT), tmp_path, overrides=[])
    assert not (tmp_path / marker.DONE).exists() and not is_complete(tmp_path) and not tmp_files(tmp_path)
    run(compose_config(SHORT), tmp_path, overrides=[])
    complete_and_correct(tmp_path, reference)


def test_a_failed_rerun_into_a_finished_folder_leaves_no_mix_of_two_runs(tmp_path, monkeypatch, reference):
    run(compose_config(SHORT + ["seed=1", "output.plots=true"]), tmp_path, overrides=[])
    assert is_complete(tmp_path)
    with monkeypatch.context() as m:
        fail_replace(m, errno.ENOSPC, after=1)
        with pytest.raises(OutputError):
            run(compose_config(SHORT), tmp_path, overrides=[])
    left = {p.name for p in tmp_path.iterdir()}
    assert marker.DONE not in left and not tmp_files(tmp_path)
    assert left == {"timeseries.parquet"}  # the new run's first file; nothing of seed 1's run
    assert (tmp_path / "timeseries.parquet").read_bytes() == (reference / "timeseries.parquet").read_bytes()
    run(compose_config(SHORT), tmp_path, overrides=[])
    complete_and_correct(tmp_path, reference)


def test_a_second_run_into_a_folder_in_use_stops_with_one_line(tmp_path, reference):
    with marker.writing(tmp_path):
        with pytest.raises(OutputError) as err:
            run(compose_config(SHORT), tmp_path, overrides=[])
    assert str(err.value) == f"cannot write {tmp_path}: another run is writing into this folder"
    assert not list(tmp_path.iterdir())
    run(compose_config(SHORT), tmp_path, overrides=[])
    complete_and_correct(tmp_path, reference)


def test_orphans_of_a_killed_write_are_removed_by_the_next_run(tmp_path, reference):
    (tmp_path / ".timeseries.parquet.abc123.tmp").write_bytes(b"half")
    (tmp_path / "summary.json").write_text("{}")
    run(compose_config(SHORT), tmp_path, overrides=[])
    complete_and_correct(tmp_path, reference)


# --- resume's config hash --------------------------------------------------------------------


def test_the_config_hash_covers_every_scenario_file_read(tmp_path):
    parent = tmp_path / "parent.yaml"
    child = tmp_path / "child.yaml"
    parent.write_text("extends: baseline\nend: 2018Q4\n")
    child.write_text(f"extends: {parent}\ntimeline: {{2018Q1: {{regulation: {{bloc: EU, strictness: 0.5}}}}}}\n")
    cfg = compose_config([f"scenario={child}", "scale=classroom"])
    first = config_hash(cfg)
    assert config_hash(cfg) == first
    child.write_text(child.read_text().replace("0.5", "0.6"))
    second = config_hash(cfg)
    parent.write_text("extends: baseline\nend: 2018Q3\n")
    assert len({first, second, config_hash(cfg)}) == 3


def test_a_marker_of_another_version_does_not_count(monkeypatch):
    import sim

    cfg = compose_config(SHORT)
    digest = config_hash(cfg)
    monkeypatch.setattr(sim, "__version__", "0.0.0-other")
    assert config_hash(cfg) != digest


# --- the app's uploads -----------------------------------------------------------------------


def test_the_app_makes_an_upload_folder_only_on_upload_and_removes_it_when_the_session_ends(monkeypatch):
    import tempfile

    from sim.app import controller

    made = []
    real = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    closing = []

    class Context:
        def on_close(self, f):
            closing.append(f)

    from solara.server import kernel_context

    monkeypatch.setattr(kernel_context, "has_current_context", lambda: True)
    monkeypatch.setattr(kernel_context, "get_current_context", lambda: Context())
    c = controller.Controller()
    assert not made and closing == [c.close]  # a page load makes no folder
    c.upload({"name": "mine.yaml", "text": "extends: baseline\nname: mine\n"})
    assert len(made) == 1 and (Path(made[0]) / "mine.yaml").is_file() and not c.error.value
    for f in closing:  # the browser session ends
        f()
    assert not Path(made[0]).exists()


# --- subprocesses: the command line, kills, real mounts ----------------------------------------


def cli(*args: str, cwd: Path, prelude: str = "", wait: bool = True):
    """`python -m sim ARGS` in a child process; `prelude` runs first (to inject a fault)."""
    code = "import sys\n" + textwrap.dedent(prelude) + "\nfrom sim.cli import main\nmain(sys.argv[1:])\n"
    cmd = [sys.executable, "-c", code, *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if not wait:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)


def one_line(proc, start: str) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert lines[0].startswith(start), lines[0]
    return lines[0]


def replace_fails(code: int, match: str) -> str:
    return f"""
    import os
    _real = os.replace
    def _replace(src, dst, *a, **k):
        if {match!r} in str(dst):
            raise OSError({code}, os.strerror({code}), str(dst))
        return _real(src, dst, *a, **k)
    os.replace = _replace
    """


@pytest.mark.slow
@pytest.mark.parametrize("code", FAULTS, ids=errno.errorcode.get)
def test_the_command_line_gives_one_line_for_a_disk_fault(tmp_path, reference, code):
    out = tmp_path / "run"
    proc = cli(*SHORT, f"hydra.run.dir={out}", cwd=tmp_path, prelude=replace_fails(code, "deals.parquet"))
    assert one_line(proc, "error: cannot write ") == f"error: cannot write {out}/deals.parquet: {os.strerror(code)}"
    assert not (out / marker.DONE).exists() and not tmp_files(out)
    assert cli(*SHORT, f"hydra.run.dir={out}", cwd=tmp_path).returncode == 0
    complete_and_correct(out, reference)


def kill_when(proc, ready, timeout: float = 300) -> None:
    deadline = time.time() + timeout
    while not ready() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


REALISTIC = ["scale=realistic", "end=2020Q4", "output.plots=true"]


@pytest.mark.slow
def test_a_run_killed_mid_write_is_plainly_incomplete_and_the_rerun_recovers(tmp_path):
    out, again = tmp_path / "run", tmp_path / "again"
    proc = cli(*REALISTIC, f"hydra.run.dir={out}", cwd=tmp_path, wait=False)
    kill_when(proc, lambda: any(out.glob("*.parquet")))
    assert any(out.glob("*.parquet")), "the kill should land after the first table"
    assert not (out / marker.DONE).exists() and not is_complete(out)
    assert cli(*REALISTIC, f"hydra.run.dir={out}", cwd=tmp_path).returncode == 0
    assert cli(*REALISTIC, f"hydra.run.dir={again}", cwd=tmp_path).returncode == 0
    assert set(json.loads((out / marker.DONE).read_text())["files"]) >= set(TABLES) | {"papers.png"}
    complete_and_correct(out, again)


@pytest.mark.slow
def test_a_killed_rerun_into_a_finished_folder_leaves_it_plainly_incomplete(tmp_path):
    out, again = tmp_path / "run", tmp_path / "again"
    assert cli(*SHORT, "seed=1", f"hydra.run.dir={out}", cwd=tmp_path).returncode == 0
    first = (out / "timeseries.parquet").stat().st_mtime_ns
    started = time.time_ns()
    proc = cli(*REALISTIC, f"hydra.run.dir={out}", cwd=tmp_path, wait=False)

    def rewriting():
        ts = out / "timeseries.parquet"
        return not (out / marker.DONE).exists() and ts.exists() and ts.stat().st_mtime_ns != first

    kill_when(proc, rewriting)
    assert not (out / marker.DONE).exists(), "the kill should land mid-run"
    left = [out / n for n in marker.OUTPUTS if (out / n).exists()]
    assert all(p.stat().st_mtime_ns >= started for p in left), "a file of the earlier run is left"
    assert cli(*REALISTIC, f"hydra.run.dir={out}", cwd=tmp_path).returncode == 0
    assert cli(*REALISTIC, f"hydra.run.dir={again}", cwd=tmp_path).returncode == 0
    complete_and_correct(out, again)


def _mount(*args: str) -> str | None:
    """Run mount; the reason it failed (no privilege, no tmpfs in this container), or None."""
    try:
        proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    except FileNotFoundError:
        return "no mount command"
    return proc.stderr.strip() or f"mount exited {proc.returncode}" if proc.returncode else None


@pytest.fixture
def small_tmpfs(tmp_path):
    point = tmp_path / "small"
    point.mkdir()
    why = _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point))
    if why:
        pytest.skip(f"cannot mount a tmpfs here: {why}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def read_only(tmp_path):
    src, point = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    point.mkdir()
    why = _mount("--bind", str(src), str(point)) or _mount("-o", "remount,bind,ro", str(point))
    if why:
        subprocess.run(["umount", "-l", str(point)], check=False, capture_output=True)
        pytest.skip(f"cannot make a read-only bind mount here: {why}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.slow
def test_a_full_tmpfs_gives_one_line_and_the_run_recovers_when_there_is_room(small_tmpfs, reference):
    out = small_tmpfs / "run"
    filler = small_tmpfs / "filler"
    free = os.statvfs(small_tmpfs).f_bavail * os.statvfs(small_tmpfs).f_frsize
    filler.write_bytes(b"\0" * (free - 64 * 1024))  # room for Hydra's config, not for the tables
    proc = cli(*SHORT, f"hydra.run.dir={out}", cwd=small_tmpfs.parent)
    line = one_line(proc, f"error: cannot write {out}")
    assert line.endswith(os.strerror(errno.ENOSPC))
    assert not (out / marker.DONE).exists() and not tmp_files(out)
    filler.unlink()
    assert cli(*SHORT, f"hydra.run.dir={out}", cwd=small_tmpfs.parent).returncode == 0
    complete_and_correct(out, reference)


@pytest.mark.slow
def test_a_read_only_folder_gives_one_line_and_writes_nothing(read_only):
    proc = cli(*SHORT, f"hydra.run.dir={read_only}/run", cwd=read_only.parent)
    assert one_line(proc, "error: cannot write ") == (
        f"error: cannot write {read_only}/run: {os.strerror(errno.EROFS)}"
    )
    proc = cli(*SHORT, cwd=read_only)  # the default results/runs/<name> under a read-only folder
    assert one_line(proc, f"error: cannot write results/runs: {os.strerror(errno.EROFS)}")
    assert not list(read_only.iterdir())


# --- sweeps ----------------------------------------------------------------------------------

SWEEP = ["scale=classroom", "scale.factor=0.04", "end=2018Q4", "seed=0,1", "sweep.plots=false"]


def multirun(out: Path, *overrides: str, prelude: str = "", wait: bool = True, quoted: bool = False):
    folder = f'"{out}"' if quoted else str(out)  # Hydra's override grammar: a quote needs quotes around it
    return cli("--multirun", "hydra/launcher=basic", f"hydra.sweep.dir={folder}", *overrides, cwd=out.parent.parent,
               prelude=prelude, wait=wait)  # fmt: skip


@pytest.fixture(scope="module")
def quoted_sweep(tmp_path_factory):
    """A finished sweep in a folder whose name holds a quote (the aggregate's SQL must not break)."""
    out = tmp_path_factory.mktemp("sweeps") / "it's a sweep"
    proc = multirun(out, *SWEEP, quoted=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _runs_only(sweep: Path, dest: Path) -> Path:
    dest.mkdir()
    for done in sweep.glob(f"*/{marker.DONE}"):
        os.symlink(done.parent, dest / done.parent.name)
    return dest


@pytest.mark.slow
def test_a_quote_in_the_sweep_folder_is_aggregated(quoted_sweep):
    summary = pd.read_parquet(quoted_sweep / "summary.parquet")
    assert len(summary) and (summary["n"] == 2).all()
    assert len(pd.read_parquet(quoted_sweep / "runs.parquet")) == 2


def test_summary_of_the_same_sweep_is_byte_identical_every_time(tmp_path):
    """DuckDB's parallel `avg` summed partial sums in whatever order its threads finished: with
    one row group per run (as sweep.parquet has), every aggregate differed in the last bits."""
    import numpy as np

    from sim.sweep.aggregate import _summary

    rng = np.random.default_rng(0)
    runs, quarters, outcomes = 400, 40, [f"o{k}" for k in range(4)]
    sweep = pd.DataFrame(
        {
            "lever": np.repeat(np.arange(runs) % 2, quarters),
            "period": np.tile([f"q{i:02d}" for i in range(quarters)], runs),
            "year": np.tile(np.arange(quarters) // 4, runs),
        }
    )
    for o in outcomes:
        sweep[o] = rng.lognormal(size=len(sweep)) * 10 ** rng.uniform(-8, 8, size=len(sweep))
    sweep.to_parquet(tmp_path / "sweep.parquet", index=False, row_group_size=quarters)
    files = []
    for n in range(5):
        summary = _summary(tmp_path / "sweep.parquet", ["lever"], outcomes, [0.05, 0.5, 0.95])
        files.append(write_parquet(summary, tmp_path / f"summary{n}.parquet").read_bytes())
    assert len(set(files)) == 1
    assert np.allclose(summary.query("outcome == 'o0'")["mean"], sweep.groupby(["lever", "period"])["o0"].mean())


@pytest.mark.slow
def test_two_aggregates_of_the_same_runs_are_byte_identical(quoted_sweep, tmp_path):
    a, b = _runs_only(quoted_sweep, tmp_path / "a"), _runs_only(quoted_sweep, tmp_path / "b")
    for _ in range(3):  # DuckDB's parallel avg differed in the last bits from one aggregate to the next
        aggregate(a)
        aggregate(b)
        for name in AGGREGATE:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.slow
def test_a_failed_aggregate_ends_the_sweep_non_zero_with_one_line(tmp_path):
    out = tmp_path / "runs" / "sweep"
    fault = """
    import errno, os
    import pyarrow.parquet as pq
    _real = pq.write_table
    def _write_table(table, path, *a, **k):
        if ".summary.parquet." in str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return _real(table, path, *a, **k)
    pq.write_table = _write_table
    """
    proc = multirun(out, *SWEEP, prelude=fault)
    line = one_line(proc, f"error: aggregate of {out}: cannot write {out}/summary.parquet: ")
    assert line.endswith(os.strerror(errno.ENOSPC))
    assert not [n for n in AGGREGATE if (out / n).exists()] and not tmp_files(out)  # all or nothing
    proc = multirun(out, *SWEEP)  # resumes: runs skipped, the aggregate made
    assert proc.returncode == 0 and all((out / n).exists() for n in AGGREGATE), proc.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("earlier", [False, True], ids=["first", "over-an-earlier-one"])
def test_an_aggregate_killed_midway_leaves_the_earlier_one_or_none(quoted_sweep, tmp_path, earlier):
    out = _runs_only(quoted_sweep, tmp_path / "sweep")
    if earlier:  # an earlier aggregate of one run only
        one = sorted(p for p in out.iterdir())[0]
        os.unlink(one)
        aggregate(out)
        os.symlink(quoted_sweep / one.name, one)
    before = {n: (out / n).read_bytes() for n in AGGREGATE if (out / n).exists()}
    code = f"""
    import os, signal
    from sim.sweep import aggregate as agg
    def _killed(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)
    agg.event_probabilities = _killed  # after sweep.parquet and the summary are staged
    agg.aggregate({str(out)!r})
    """
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert {n: (out / n).read_bytes() for n in AGGREGATE if (out / n).exists()} == before
    assert tmp_files(out), "the kill should land while the aggregate is staged"
    aggregate(out)
    clean = _runs_only(quoted_sweep, tmp_path / "clean")
    aggregate(clean)
    assert not tmp_files(out)
    for name in AGGREGATE:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


@pytest.mark.slow
def test_a_sweep_killed_midway_resumes_to_the_same_tables(quoted_sweep, tmp_path):
    out = tmp_path / "runs" / "sweep"
    out.parent.mkdir()
    proc = multirun(out, *SWEEP, wait=False)
    kill_when(proc, lambda: any(out.glob(f"*/{marker.DONE}")))
    assert len(list(out.glob(f"*/{marker.DONE}"))) < 2, "the kill should land mid-sweep"
    assert multirun(out, *SWEEP).returncode == 0
    assert not tmp_files(out)
    for name in AGGREGATE:
        assert (out / name).read_bytes() == (quoted_sweep / name).read_bytes(), name


@pytest.mark.slow
def test_an_edited_scenario_reruns_on_resume(tmp_path):
    scenario = tmp_path / "lever.yaml"
    text = "extends: baseline\ntimeline: {2018Q1: {export_controls: {issuer: US, target: CN, stringency: %s}}}\n"
    scenario.write_text(text % 0.33)
    out = tmp_path / "runs" / "sweep"
    out.parent.mkdir()
    column = "lever_export_chips_US_to_CN"
    assert multirun(out, f"scenario={scenario}", *SWEEP).returncode == 0
    assert set(pd.read_parquet(out / "sweep.parquet").query("period == '2018Q4'")[column]) == {0.33}
    first = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/timeseries.parquet")}
    scenario.write_text(text % 0.77)
    assert multirun(out, f"scenario={scenario}", *SWEEP).returncode == 0
    again = {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/timeseries.parquet")}
    assert set(again) == set(first) and all(again[k] != first[k] for k in first)  # both runs ran again
    assert set(pd.read_parquet(out / "sweep.parquet").query("period == '2018Q4'")[column]) == {0.77}


@pytest.mark.slow
def test_a_closed_browser_tab_leaves_no_upload_folder(tmp_path):
    """In the real app: a page load makes no upload folder, an upload makes one, closing the tab removes it."""
    pytest.importorskip("playwright")
    pytest.importorskip("solara")
    from test_app_e2e import _free_port, open_page

    from sim.app.headless import CHROMIUM, launch

    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright import sync_api

    port, log = _free_port(), open(tmp_path / "server.log", "w")
    env = dict(os.environ, TMPDIR=str(tmp_path))  # the server's upload folders land here
    proc = subprocess.Popen([sys.executable, "-m", "sim.app", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)  # fmt: skip
    url, folders = f"http://127.0.0.1:{port}/", lambda: list(tmp_path.glob("entangle-upload-*"))

    def wait_for(condition, timeout=60):
        deadline = time.time() + timeout
        while not condition() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        return condition()

    try:
        assert wait_for(lambda: _serves(url), 90), "the app did not start"
        good = tmp_path / "good.yaml"
        good.write_text("extends: baseline\nname: good\n")
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            page = open_page(browser, url)
            assert not folders()
            page.set_input_files(".entangle-upload input[type=file]", str(good))
            assert wait_for(lambda: len(folders()) == 1 and (folders()[0] / "good.yaml").is_file())
            page.context.close()
            assert wait_for(lambda: not folders()), "closing the tab should remove the session's uploads"
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def _serves(url: str) -> bool:
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False


@pytest.mark.slow
def test_a_disk_fault_inside_a_joblib_worker_ends_the_sweep_with_one_line(small_tmpfs):
    """The worker processes (loky) write the runs: a failed run's OutputError reaches the command as one line
    per failed run (each worker reports its own), never a traceback."""
    out = small_tmpfs / "sweep"
    filler = small_tmpfs / "filler"
    free = os.statvfs(small_tmpfs).f_bavail * os.statvfs(small_tmpfs).f_frsize
    filler.write_bytes(b"\0" * (free - 200 * 1024))  # room for Hydra's configs, not for the tables
    proc = cli("--multirun", "hydra/launcher=joblib", f"hydra.sweep.dir={out}", *SWEEP, cwd=small_tmpfs.parent)
    # Each worker whose run fails says so in one line (two workers can fail at once): no traceback.
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and 1 <= len(lines) <= 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    for line in lines:
        assert line.startswith(f"error: cannot write {out}/") and line.endswith(os.strerror(errno.ENOSPC)), line
    assert not list(out.glob(f"*/{marker.DONE}")) or not (out / "summary.parquet").exists()
    filler.unlink()
    proc = cli("--multirun", "hydra/launcher=joblib", f"hydra.sweep.dir={out}", *SWEEP, cwd=small_tmpfs.parent)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(out.glob(f"*/{marker.DONE}"))) == 2 and (out / "summary.parquet").is_file()
