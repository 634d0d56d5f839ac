"""Worker processes never outlive the command: SIGTERM stops them, and they exit by themselves
within a second of a `kill -9` of their parent (issue 16, finding 11)."""

import csv
import os
import signal
import subprocess
import sys
import time

import pytest

psutil = pytest.importorskip("psutil")

from .conftest import DATA  # noqa: E402


def start(args, tmp_path):
    stderr = open(tmp_path / "stderr.txt", "w+b")
    process = subprocess.Popen([sys.executable, "-m", "stance", *map(str, args)], stderr=stderr, stdout=subprocess.DEVNULL)
    return process, stderr


def workers_of(process, count: int, timeout: float = 60) -> list:
    """The command's child processes, once ``count`` of them run (resource trackers left out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = [c for c in psutil.Process(process.pid).children(recursive=True) if "resource_tracker" not in " ".join(c.cmdline())]
        except psutil.NoSuchProcess:
            break
        if len(children) >= count:
            return children
        time.sleep(0.1)
    pytest.fail(f"the command did not start {count} workers")


def gone(processes, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def big_input(tmp_path):
    with open(DATA / "labels_sample.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([i, texts[i % len(texts)]] for i in range(200_000))
    return path


def test_predict_workers_exit_after_kill_9_of_their_parent(tmp_path, big_input, trained_model_dir):
    args = ["predict", "--input", big_input, "--model", trained_model_dir, "--jobs", "2", "--format", "csv", "-o", tmp_path / "out.csv"]
    process, stderr = start(args, tmp_path)
    workers = workers_of(process, 2)
    time.sleep(0.5)  # busy classifying
    process.kill()
    process.wait()
    assert gone(workers, timeout=5), [w.pid for w in workers if w.is_running()]
    stderr.seek(0)
    assert b"Traceback" not in stderr.read()
    assert not (tmp_path / "out.csv").exists()


def test_sigterm_of_training_stops_its_workers_and_leaves_nothing(tmp_path, sample_labels):
    out = tmp_path / "model"
    process, stderr = start(["train", sample_labels, "--jobs", "2", "--folds", "5", "--out", out], tmp_path)
    workers = workers_of(process, 2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert gone(workers, timeout=10), [w.pid for w in workers if w.is_running()]
    stderr.seek(0)
    assert b"Traceback" not in stderr.read()
    assert not out.exists() and not [p for p in os.listdir(tmp_path) if p.startswith(".model")]
