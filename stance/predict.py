"""Classify statements with a loaded model: labels and the probability of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

UNCERTAIN = "uncertain"
# Below this share of words the model knows, a text is out of its scope (another language,
# no language) and gets ``uncertain`` rather than a confident guess.
MIN_KNOWN_WORD_SHARE = 0.5


def predict_rows(
    model, texts: Sequence[str], min_confidence: float = 0.0, explain: int = 0, min_known_share: float = MIN_KNOWN_WORD_SHARE
) -> list[dict]:
    """One dict per text: for each target, the label, its probability ``<target>_p`` and ``<target>_p_<label>`` per label.

    ``model`` is a :class:`stance.model.Model` or :class:`stance.model.FastModel`.
    Empty or whitespace-only texts get empty labels and probabilities rather than
    a guess. Below ``min_confidence`` the label is ``uncertain`` (the
    probabilities stay), and so it is when fewer than ``min_known_share`` of the
    text's words are in the model's vocabulary (text in another language, or none). With ``explain`` > 0, ``<target>_explain`` lists that many
    n-grams that pushed the text toward its label and away from the runner-up.
    """
    import numpy as np  # here, not at the top: stance.quick imports this module without NumPy

    texts = [str(t) for t in texts]
    usable = [i for i, t in enumerate(texts) if t.strip()]
    unusable = [i for i, t in enumerate(texts) if not t.strip()]
    rows: list[dict] = [{} for _ in texts]
    batch = [texts[i] for i in usable]
    shared, shares = _predictions_and_known_share(model, batch) if usable else (None, None)
    in_scope = shares >= min_known_share if usable and min_known_share > 0 else np.ones(len(batch), bool)
    for target in model.targets:
        labels = model.labels(target)
        columns = [f"{target}_p_{label}" for label in labels]
        for i in unusable:  # the same keys, in the same order, as a classified text gets
            rows[i][target] = ""
            rows[i][f"{target}_p"] = None
            rows[i].update(dict.fromkeys(columns))
        if not usable:
            continue
        proba = shared[target] if shared is not None else model.predict_proba(target, batch)
        best = proba.argmax(axis=1)  # the first of equal maxima, as a stable sort would give
        confident = (proba[np.arange(len(batch)), best] >= min_confidence) & in_scope
        top = f"{target}_p"
        for i, p, b, sure in zip(usable, proba.tolist(), best.tolist(), confident.tolist(), strict=True):
            row = rows[i]
            row[target] = labels[b] if sure else UNCERTAIN
            row[top] = p[b]  # the top label's probability (what --min-confidence compares)
            row.update(zip(columns, p, strict=True))
            if explain:
                order = sorted(range(len(labels)), key=lambda j, p=p: -p[j])
                pushes = _arrays(model).explain(target, texts[i], order[0], order[1], explain)
                rows[i][f"{target}_explain"] = [
                    {"ngram": term, "weight": round(weight, 4), "toward": labels[order[0]], "away_from": labels[order[1]]}
                    for term, weight in pushes
                ]
    return rows


def classify_rows(
    model, rows: list[dict], text_column: str = "text", min_confidence: float = 0.0, names: dict[str, str] | None = None
) -> list[dict]:
    """Each row with its predictions added (labels and probabilities per target), under
    the output ``names`` of :func:`prediction_names` when given."""
    if not rows:
        return []
    predictions = predict_rows(model, [str(row.get(text_column) or "") for row in rows], min_confidence)
    if names and any(name != renamed for name, renamed in names.items()):
        predictions = [{names.get(k, k): v for k, v in prediction.items()} for prediction in predictions]
    return [{**row, **prediction} for row, prediction in zip(rows, predictions, strict=True)]


def prediction_columns(model) -> list[str]:
    """The columns :func:`classify_rows` adds, in its order."""
    return list(predict_rows(model, [""])[0])  # an empty text is not classified, only laid out


def prediction_names(predicted: Sequence[str], input_columns: Sequence[str]) -> dict[str, str]:
    """The output name of each prediction column: itself, or with ``predicted_`` in front
    (for all of them) when the input has a column of that name, so predicting a labelled
    file never overwrites its gold ``stance`` or ``tone``."""
    taken = set(input_columns)
    prefix = ""
    while any(prefix + name in taken for name in predicted):
        prefix += "predicted_"
    return {name: prefix + name for name in predicted}


def _predictions_and_known_share(model, texts: list[str]) -> tuple[dict | None, np.ndarray]:
    """Every target's probabilities (None when ``model`` predicts one target at a time) and the
    known-word share of ``texts``; the arrays model gives both in one pass."""
    arrays = getattr(model, "arrays", None)
    if hasattr(model, "predict_all") and hasattr(arrays, "predict_with_known_share"):
        return arrays.predict_with_known_share(texts)
    return (model.predict_all(texts) if hasattr(model, "predict_all") else None), _arrays(model).known_word_share(texts)


def _arrays(model):
    """The arrays form of any model (explanations read coefficients and vocabulary)."""
    if not hasattr(model, "_explain_arrays"):
        from stance.arrays import ArrayModel

        model._explain_arrays = model.arrays if hasattr(model, "arrays") else ArrayModel.from_pipelines(model.pipelines)
    return model._explain_arrays


def predict_texts(model, texts: Sequence[str]):
    """:func:`predict_rows` as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(predict_rows(model, texts))
