"""Errors survive the trip over the socket with their class and exit code."""

from __future__ import annotations

from shareinbox.daemon.protocol import error_from_payload, error_payload
from shareinbox.errors import Conflict, PermissionDenied, ShareinboxError


class _LockedHere(Conflict):
    """A conflict subclass defined outside shareinbox.errors."""


def test_a_known_error_keeps_its_class() -> None:
    error = error_from_payload(error_payload(PermissionDenied("only supervisors")))
    assert type(error) is PermissionDenied
    assert error.message == "only supervisors"


def test_a_subclass_travels_as_its_nearest_known_class() -> None:
    payload = error_payload(_LockedHere("held by tanaka"))
    assert payload["kind"] == "Conflict"
    error = error_from_payload(payload)
    assert isinstance(error, Conflict)
    assert error.exit_code == 3


def test_an_unknown_kind_becomes_the_base_error() -> None:
    error = error_from_payload({"kind": "Nonsense", "message": "x"})
    assert type(error) is ShareinboxError
    assert error.exit_code == 1
