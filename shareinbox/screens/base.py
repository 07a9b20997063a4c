"""The base of the app's own screens: the app, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from shareinbox.app import ShareinboxApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT], Generic[ResultT]):
    """A screen of the shareinbox app."""

    @property
    def inbox_app(self) -> ShareinboxApp:
        """The app, typed."""
        return cast("ShareinboxApp", self.app)
