"""The model card's reader-facing parts: figures found wherever the card keeps them, never invented."""

import json

import pandas as pd

from stance.card import IN_DOMAIN, NATURAL, UNSEEN, accuracy_figures, headline_figure, training_summary
from stance.model import card_markdown, read_card

IN_DOMAIN_METRICS = {
    "split": "5-fold cross-validation grouped by group",
    "rows": 100,
    "macro_f1": 0.612,
    "accuracy": 0.655,
    "baseline_macro_f1": 0.1,
    "per_class": {"condemning": {"precision": 0.7, "recall": 0.6, "f1": 0.646, "support": 40}},
    "baselines_macro_f1": {"majority": 0.1},
}
CARD = {
    "created": "2026-01-01T00:00:00+00:00",
    "command": "stance train labels/",
    "targets": {"stance": {"labels": ["condemning", "neutral"]}},
    "data": {"files": ["labels/"], "rows": 100, "sha256": "0" * 64},
    "seed": 0,
    "versions": {"stance": "0.1.0"},
    "parameters": {"C": 10.0},
    "metrics": {"stance": IN_DOMAIN_METRICS},
}


def test_without_held_out_figures_the_in_domain_one_is_quoted_as_such():
    figures = accuracy_figures(CARD)
    assert [(f.target, f.kind, f.macro_f1) for f in figures] == [("stance", IN_DOMAIN, 0.612)]
    text = card_markdown(CARD)
    assert "## Intended use" in text and "## Limitations" in text and "English only" in text
    assert "macro-F1 0.61" in text and "In-domain" in text and "| condemning | 0.70 | 0.60 | 0.65 | 40 |" in text


def test_unseen_source_and_natural_test_figures_are_found_and_preferred():
    by_source = {"seeds": {"rows": 30, "macro_f1": 0.41}, "wh": {"rows": 70, "macro_f1": 0.5}}
    card = {
        **CARD,
        "unseen_sources": {"stance": {"split": "each of 2 sources held out in turn", "macro_f1": 0.47, "by_source": by_source}},
        "natural_test": {"stance": {"split": "frozen test set", "macro_f1": 0.52, "accuracy": 0.6, "macro_f1_interval": [0.45, 0.58]}},
    }
    assert {f.kind: f.macro_f1 for f in accuracy_figures(card)} == {IN_DOMAIN: 0.612, UNSEEN: 0.47, NATURAL: 0.52}
    assert headline_figure(card, "stance").kind == UNSEEN
    text = card_markdown(card)
    assert "stance: macro-F1 0.47 (unseen sources)" in text and "news reports (seeds, 30 statements): macro-F1 0.41" in text
    assert "macro-F1 0.52 (95 % interval 0.45-0.58), accuracy 0.60" in text


def test_training_summary_counts_the_data():
    frame = pd.DataFrame(
        {
            "text": ["a", "b", "c"],
            "stance": ["neutral", "condemning", "neutral"],
            "corpus": ["seeds", "wh", "wh"],
            "speaker_side": ["US", "", "US"],
            "date": ["2021-01-02", "", "2019-05-06"],
        }
    )
    summary = training_summary(frame, ["stance"])
    assert summary["labels"] == {"stance": {"neutral": 2, "condemning": 1}}
    assert summary["corpora"] == {"wh": 2, "seeds": 1} and summary["sides"] == {"US": 2, "(none)": 1}
    assert summary["dates"] == ["2019-05-06", "2021-01-02"]
    text = card_markdown({**CARD, "training_data": summary})
    assert "News reports (journalists quoting officials): 1 of the 3 training statements." in text and "corpora: wh 2, seeds 1" in text


def test_a_trained_cards_markdown_and_json_agree(trained_model_dir):
    card = read_card(trained_model_dir)
    assert card["intended_use"] and card["limitations"] and card["training_data"]["rows"] == card["data"]["rows"]
    markdown = (trained_model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert markdown == card_markdown(json.loads((trained_model_dir / "model_card.json").read_text(encoding="utf-8")))
    assert "## Training data" in markdown
