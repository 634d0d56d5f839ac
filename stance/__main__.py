"""``python -m stance`` and the ``stance`` command.

``stance predict "a statement" ...`` (statements only, no option) is answered here from the
shipped model's lookup file (:mod:`stance.quick`), before click and the command line are
imported: they take most of what is left of the start-up once NumPy is not loaded. The table
is the one :mod:`stance.cli` prints. Everything else goes to :func:`stance.cli.main`, and so
does this case when the model has no lookup file matching its card or the file is damaged
(the command line then says so and predicts from the arrays).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    if not predict_quickly(sys.argv[1:]):
        from stance.cli import main as cli_main

        cli_main()


def predict_quickly(args: list[str]) -> bool:
    """Print the table of ``stance predict TEXT...`` with the shipped model and return True,
    or print nothing and return False when the arguments are anything else."""
    texts = args[1:]
    if args[:1] != ["predict"] or not texts or any(text.startswith("-") for text in texts):
        return False
    if os.name == "nt" or "_STANCE_COMPLETE" in os.environ:  # click would expand globs / complete the line
        return False
    from stance.quick import DEFAULT_MODEL_DIR, QUICK_MAX_TEXTS, load_quick_model, quick_rows

    if len(texts) > QUICK_MAX_TEXTS or not any(text.strip() for text in texts):
        return False
    try:
        model = load_quick_model(DEFAULT_MODEL_DIR)
    except ValueError:
        return False
    if model is None:
        return False
    from stance.escaping import printable
    from stance.predict import prediction_names
    from stance.table import format_table

    predictions = quick_rows(model, texts)
    names = prediction_names(list(predictions[0]), ["text"])  # as `stance predict`: never over the input's column
    columns = ["text"] + [names.get(c, c) for t in model.targets for c in (t, f"{t}_p")]
    records = [{"text": text, **{names.get(k, k): v for k, v in p.items()}} for text, p in zip(texts, predictions, strict=True)]
    table = format_table([{c: r.get(c) for c in columns} for r in records], columns)
    try:
        sys.stdout.write(printable(table) if sys.stdout.isatty() else table)
        sys.stdout.flush()
    except BrokenPipeError:  # `stance predict ... | head`: the reader left; as stance.cli.main
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    return True


if __name__ == "__main__":
    main()
