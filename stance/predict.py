"""Classify statements with a loaded model: labels and the probability of each."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from stance.model import Model


def predict_texts(model: Model, texts: Sequence[str]) -> pd.DataFrame:
    """One row per text: for each target, the label and one ``<target>_p_<label>`` column per label.

    Empty or whitespace-only texts get empty labels and probabilities rather
    than a guess.
    """
    texts = [str(t) for t in texts]
    usable = [i for i, t in enumerate(texts) if t.strip()]
    result = pd.DataFrame(index=range(len(texts)))
    for target, pipeline in model.pipelines.items():
        labels = [str(c) for c in pipeline.classes_]
        predicted = pd.Series([""] * len(texts), dtype=object)
        probabilities = pd.DataFrame(float("nan"), index=range(len(texts)), columns=[f"{target}_p_{c}" for c in labels])
        if usable:
            proba = pipeline.predict_proba([texts[i] for i in usable])
            probabilities.iloc[usable, :] = proba
            predicted.iloc[usable] = [labels[j] for j in proba.argmax(axis=1)]
        result[target] = predicted
        result = pd.concat([result, probabilities], axis=1)
    return result
