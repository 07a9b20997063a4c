"""Which templates fit a mail: ranked from the templates' own words and from
the templates that answered similar mail before.

Pure functions over data: the caller passes the templates and the history
(pairs of the text a reply answered and the template it used) and gets a
ranking. Text is cut into tokens without a dictionary: runs of Japanese
characters become character bigrams (注文番号 -> 注文 文番 番号; pairs of
hiragana alone, which carry grammar rather than topic, are dropped),
Latin words are lower-cased and cut to their first six letters (a cheap stem:
cancelled, cancellation -> cancel). Each template gets two TF-IDF vectors:
its own text (title, category, subject, keywords counted thrice, body
without the Jinja2 code) and the centroid of the mail it answered; a mail is
scored by cosine similarity to both, the history weighing more as it grows,
up to as much as the text (on held-back phrasings, letting the history
outweigh the text lost accuracy: see docs/benchmarks.md).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shareinbox.reply.template import Template

Vector = dict[str, float]

_CJK = "\u3005\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff"
_TOKEN = re.compile(rf"[a-z][a-z0-9']*|[{_CJK}]+")
_KANA = re.compile("^[\u3040-\u309f]+$")  # hiragana only: grammar, not topic
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_QUOTED = re.compile(r"^[ \t]*[>＞].*$", re.M)
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "you",
        "your",
        "our",
        "are",
        "was",
        "were",
        "have",
        "has",
        "had",
        "this",
        "that",
        "with",
        "from",
        "but",
        "not",
        "can",
        "could",
        "would",
        "will",
        "please",
        "thank",
        "thanks",
        "hello",
        "dear",
        "regards",
        "kind",
        "best",
        "many",
        "cheers",
        "hi",
        "there",
        "what",
        "when",
        "how",
        "just",
        "any",
        "all",
        "its",
        "it's",
        "into",
        "about",
        "mail",
        "email",
        "me",
        "my",
        "we",
        "us",
        "is",
        "be",
        "do",
        "to",
        "of",
        "in",
        "on",
        "at",
        "an",
        "or",
        "as",
        "if",
        "so",
    ]
)
STEM = 6
KEYWORD_WEIGHT = 3
HISTORY_HALF = 5  # past mails after which a template's history has half its weight
HISTORY_MAX = 0.5  # the most the history ever weighs against the template's text


@dataclass(frozen=True)
class Suggestion:
    """A template and how well it fits (cosine similarity, 0..1)."""

    name: str
    score: float


def tokens(text: str) -> list[str]:
    """The tokens of `text`: CJK bigrams and stemmed Latin words.

    Quoted lines (``> ...``) are left out: they are what we wrote before.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = _QUOTED.sub(" ", text)
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        run = match.group()
        if run[0].isascii():
            if len(run) > 2 and run not in _STOP:
                found.append(run[:STEM])
        elif len(run) == 1:
            if not _KANA.match(run):
                found.append(run)
        else:
            pairs = (run[i : i + 2] for i in range(len(run) - 1))
            found += [p for p in pairs if not _KANA.match(p)]
    return found


def template_text(template: Template) -> list[str]:
    """A template's own tokens: keywords count more than the body's words."""
    head = f"{template.title} {template.category} {_JINJA.sub(' ', template.subject)}"
    keywords = tokens(" ".join(template.keywords)) * KEYWORD_WEIGHT
    return tokens(head) + keywords + tokens(_JINJA.sub(" ", template.body))


@dataclass(frozen=True)
class Model:
    """What `rank` needs: IDF weights and two vectors per template."""

    idf: dict[str, float]
    own: dict[str, Vector]
    learned: dict[str, Vector]
    examples: dict[str, int]


def _weigh(counts: Counter[str], idf: dict[str, float], default: float) -> Vector:
    vector = {t: (1 + math.log(n)) * idf.get(t, default) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def build_model(
    templates: Iterable[Template], history: Iterable[tuple[str, str]] = ()
) -> Model:
    """Learn from the templates' text and (mail text, template name) pairs.

    History pairs naming a template that is not among `templates` are ignored.
    """
    own_counts = {t.name: Counter(template_text(t)) for t in templates}
    past = [
        (Counter(tokens(text)), name) for text, name in history if name in own_counts
    ]
    documents = [*own_counts.values(), *(c for c, _ in past)]
    df: Counter[str] = Counter()
    for counts in documents:
        df.update(counts.keys())
    total = len(documents)
    idf = {t: math.log((total + 1) / (n + 1)) + 1 for t, n in df.items()}
    default = math.log(total + 1) + 1
    sums: dict[str, dict[str, float]] = {}
    examples: Counter[str] = Counter()
    for counts, name in past:
        for token, value in _weigh(counts, idf, default).items():
            centroid = sums.setdefault(name, {})
            centroid[token] = centroid.get(token, 0.0) + value
        examples[name] += 1
    learned = {name: _weigh_sum(total_vector) for name, total_vector in sums.items()}
    own = {name: _weigh(c, idf, default) for name, c in own_counts.items()}
    return Model(idf, own, learned, dict(examples))


def _weigh_sum(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def rank(model: Model, text: str, limit: int | None = None) -> list[Suggestion]:
    """The templates ranked for a mail (subject and body), best first.

    Ties (a mail sharing no word with anything) keep the name order.
    """
    query = _weigh(Counter(tokens(text)), model.idf, 0.0)
    scored = []
    for name, own in model.own.items():
        n = model.examples.get(name, 0)
        weight = HISTORY_MAX * n / (n + HISTORY_HALF)
        score = (1 - weight) * _cosine(query, own)
        if n:
            score += weight * _cosine(query, model.learned[name])
        scored.append(Suggestion(name, round(score, 4)))
    scored.sort(key=lambda s: (-s.score, s.name))
    return scored[:limit] if limit is not None else scored


def suggest(
    templates: Sequence[Template],
    text: str,
    history: Iterable[tuple[str, str]] = (),
    limit: int = 3,
) -> list[Suggestion]:
    """Build a model and rank in one call (for a single mail)."""
    return rank(build_model(templates, history), text, limit)
