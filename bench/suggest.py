"""Top-k accuracy of the template suggestions on held-back phrasings.

``python bench/suggest.py [--train N] [--test N] [--seed S]`` trains on
generated mail (`bench.replymail`, the ``train`` phrasings) labelled with the
shipped template that answers it, then ranks the shipped templates for mail
written with phrasings it never saw, and prints top-1 and top-3 accuracy per
language: with the templates' own text only, and with the history too.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.replymail import SampleMail, sample
from shareinbox.reply import TemplateLibrary
from shareinbox.reply.suggest import build_model, rank


def accuracy(
    train: list[SampleMail], test: list[SampleMail], language: str, k: int
) -> float:
    """The share of `test` mails whose template is among the top `k`."""
    templates = TemplateLibrary(language).templates()
    history = [(m.text, m.template) for m in train if m.language == language]
    model = build_model(templates, history)
    cases = [m for m in test if m.language == language]
    hits = sum(m.template in {s.name for s in rank(model, m.text, k)} for m in cases)
    return hits / len(cases)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--test", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    train = sample(args.seed, args.train, "train")
    test = sample(args.seed, args.test, "test")
    print(f"{args.train} training mails, {args.test} test mails (unseen phrasings)")
    print("language  history  top-1   top-3")
    for language in ("ja", "en"):
        for label, used in (("none", train[:0]), ("yes", train)):
            start = time.perf_counter()
            top1 = accuracy(used, test, language, 1)
            top3 = accuracy(used, test, language, 3)
            took = time.perf_counter() - start
            print(f"{language:8}  {label:7}  {top1:6.1%}  {top3:6.1%}   ({took:.1f} s)")


if __name__ == "__main__":
    main()
