"""Classify statements with a loaded model: labels and the probability of each."""

from __future__ import annotations

from collections.abc import Sequence


def predict_rows(model, texts: Sequence[str]) -> list[dict]:
    """One dict per text: for each target, the label and ``<target>_p_<label>`` per label.

    ``model`` is a :class:`stance.model.Model` or :class:`stance.model.FastModel`.
    Empty or whitespace-only texts get empty labels and probabilities rather than
    a guess.
    """
    texts = [str(t) for t in texts]
    usable = [i for i, t in enumerate(texts) if t.strip()]
    rows: list[dict] = [{} for _ in texts]
    for target in model.targets:
        labels = model.labels(target)
        proba = model.predict_proba(target, [texts[i] for i in usable]) if usable else []
        for row in rows:
            row[target] = ""
            row.update({f"{target}_p_{label}": None for label in labels})
        for i, p in zip(usable, proba, strict=True):
            best = max(range(len(labels)), key=lambda j: p[j])
            rows[i][target] = labels[best]
            rows[i].update({f"{target}_p_{label}": float(p[j]) for j, label in enumerate(labels)})
    return rows


def predict_texts(model, texts: Sequence[str]):
    """:func:`predict_rows` as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(predict_rows(model, texts))
