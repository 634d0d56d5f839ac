"""Shared fixtures: paths to test data and one small model trained once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def sample_labels() -> Path:
    return DATA / "labels_sample.csv"


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory, sample_labels) -> Path:
    """A model trained on the sample labels, saved once for the whole session."""
    from stance.features import DEFAULT_PARAMETERS
    from stance.labels import load_labels
    from stance.model import Model, fit_target, make_card, save_model

    frame = load_labels([sample_labels])
    pipelines = {target: fit_target(frame, target, seed=0) for target in ("stance", "tone")}
    card = make_card(frame, pipelines, 0, [str(sample_labels)], {}, DEFAULT_PARAMETERS, "test fixture")
    folder = tmp_path_factory.mktemp("models") / "small"
    save_model(folder, Model(pipelines, card))
    return folder


@pytest.fixture
def small_grid():
    """stance.tune.GRID swapped for four points (the commands search the module's grid; the whole grid's points are checked in test_tune, and one test runs it all)."""
    from stance import tune

    saved = list(tune.GRID)
    tune.GRID[:] = [{"C": [1.0, 10.0], "char_ngram_range": [(3, 4)], "class_weight": ["balanced", None]}]
    yield tune.GRID
    tune.GRID[:] = saved
