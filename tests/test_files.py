"""Writing outputs: atomic, never replacing what was not asked for, recovering killed swaps."""

import os
import subprocess
import sys

import pytest

import stance.files
from stance.errors import OutputError, OutputExistsError
from stance.files import atomic_folder, atomic_path, check_output, recover_leftovers, write_text


def dead_pid() -> int:
    """The id of a process that has exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_write_text_replaces_only_with_force(tmp_path):
    target = tmp_path / "out.csv"
    write_text(target, "first\n")
    with pytest.raises(OutputExistsError):
        write_text(target, "second\n", force=False)
    write_text(target, "second\n", force=True)
    assert target.read_text() == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def read_fifo(tmp_path):
    """A named pipe (a stand-in for /dev/stdout: never the real device, which a failing test would
    replace) and a thread reading it; ``received()`` gives what was written."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = []
    thread = threading.Thread(target=lambda: data.append(open(fifo, "rb").read()), daemon=True)
    thread.start()

    def received() -> bytes:
        thread.join(timeout=10)
        return b"".join(data)

    return fifo, received


def test_a_pipe_or_device_is_written_through_not_replaced(tmp_path):
    import stat

    fifo, received = read_fifo(tmp_path)
    check_output(fifo, force=False)  # nothing is replaced: no --force needed
    with atomic_path(fifo, force=True) as path:
        path.write_text("through")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and received() == b"through"


def test_a_symlink_stays_and_its_file_is_replaced(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text(link, "new\n", force=True)
    assert link.is_symlink() and real.read_text() == "new\n"
    assert oct(real.stat().st_mode & 0o777) == oct(0o640)  # its permissions are kept


def test_existence_is_checked_again_when_saving(tmp_path):
    target = tmp_path / "model"
    with pytest.raises(OutputExistsError, match="created while this command ran"):
        with atomic_folder(target) as tmp:
            (tmp / "mine.txt").write_text("mine")
            target.mkdir()  # another run saved here meanwhile
            (target / "theirs.txt").write_text("theirs")
    assert [p.name for p in target.iterdir()] == ["theirs.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]

    file_target = tmp_path / "out.csv"
    with pytest.raises(OutputExistsError):
        with atomic_path(file_target, force=False) as tmp:
            tmp.write_text("mine")
            file_target.write_text("theirs")
    assert file_target.read_text() == "theirs"


def test_forced_swap_is_one_exchange_and_leaves_nothing(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "model_card.json").write_text("old")
    with atomic_folder(target, force=True, marker="model_card.json") as tmp:
        (tmp / "model_card.json").write_text("new")
    assert (target / "model_card.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_force_never_replaces_a_folder_of_other_files(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="holds other files"):
        with atomic_folder(home, force=True, marker="model_card.json") as tmp:
            (tmp / "model_card.json").write_text("{}")
    assert (home / "thesis.tex").read_text() == "years of work"


def test_a_swap_killed_half_way_is_recovered(tmp_path):
    """The fallback (no renameat2): killed after moving the old folder aside, before the new one
    was in place. The next run puts the old folder back and deletes the dead run's temporary folder."""
    target = tmp_path / "model"
    pid = dead_pid()
    old = tmp_path / f".model.old-{pid}"
    old.mkdir()
    (old / "model_card.json").write_text("old model")
    stale = tmp_path / f".model.{pid}.abc123.tmp"
    stale.mkdir()
    live = tmp_path / f".model.{os.getpid()}.xyz789.tmp"
    live.mkdir()
    recover_leftovers(target)
    assert (target / "model_card.json").read_text() == "old model"
    assert not stale.exists() and live.exists()  # a live run's folder is left alone


def test_the_fallback_swap_also_works(tmp_path, monkeypatch):
    monkeypatch.setattr(stance.files, "_renameat2", lambda *args: False)
    target = tmp_path / "model"
    for content in ("one", "two"):
        with atomic_folder(target, force=True, marker="card") as tmp:
            (tmp / "card").write_text(content)
    assert (target / "card").read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_an_output_holding_an_input_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("text")
    for out in (corpus, tmp_path, corpus / "a.txt"):
        with pytest.raises(OutputError, match="would destroy the input"):
            check_output(out, force=True, inputs=[corpus / "a.txt"])
    check_output(corpus / "report", force=True, inputs=[corpus])  # inside an input folder is fine


def test_unwritable_outputs_are_named_before_any_work(tmp_path, monkeypatch):
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output(afile / "out.csv", force=False)
    monkeypatch.setattr(os, "access", lambda *args: False)
    with pytest.raises(OutputError, match="permission denied"):
        check_output(tmp_path / "out.csv", force=False)


def test_write_errors_name_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".out.csv.123.tmp"))

    monkeypatch.setattr(stance.files.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError) as caught:
        write_text(tmp_path / "out.csv", "x")
    assert str(caught.value).startswith(f"{tmp_path / 'out.csv'}: cannot write it (Permission denied)")
    assert ".tmp" not in str(caught.value)
