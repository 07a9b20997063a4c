"""Batches parsed in the worker process come back as the parser here makes them."""

from __future__ import annotations

from shareinbox.sync import pipeline
from shareinbox.sync.parse import ParsedMessage, parse_message
from tests.sync.mail import SAMPLES


def test_a_big_sync_parses_in_the_worker_with_the_same_result() -> None:
    with pipeline.Parser(parse_message, pipeline.MIN_BATCHES) as parser:
        assert parser.in_worker
        futures = [parser.submit(SAMPLES[:n]) for n in range(1, len(SAMPLES) + 1)]
        results = [parser.result(f, SAMPLES[: n + 1]) for n, f in enumerate(futures)]
    assert results[-1] == [parse_message(raw) for raw in SAMPLES]
    assert [len(r) for r in results] == list(range(1, len(SAMPLES) + 1))


def test_small_syncs_and_other_parsers_stay_in_this_process() -> None:
    seen: list[bytes] = []

    def parse(raw: bytes) -> ParsedMessage:
        seen.append(raw)
        return parse_message(raw)

    with pipeline.Parser(parse_message, pipeline.MIN_BATCHES - 1) as small:
        assert not small.in_worker
    with pipeline.Parser(parse, 100) as custom:
        assert not custom.in_worker
        parsed = custom.result(custom.submit(SAMPLES), SAMPLES)
    assert seen == SAMPLES
    assert [p.subject for p in parsed] == [parse_message(r).subject for r in SAMPLES]
