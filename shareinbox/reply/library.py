"""Finding, loading and live-reloading the reply templates.

Shipped templates live in ``templates/<language>/*.j2`` (a checkout) or
``shareinbox/_templates/<language>/*.j2`` (an installed wheel). A team's own
directory (``[templates] dir``) holds ``<language>/*.j2`` and ``*.j2`` for
every language; a team template replaces the shipped one of the same name.
A `TemplateLibrary` looks at the files' modification times whenever it is
asked for templates and reloads when anything changed, so an edited file is
used at once. A broken file is kept, with its error, so it can be shown.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from pathlib import Path

from shareinbox.config import Config
from shareinbox.errors import NotFound
from shareinbox.reply.errors import TemplateError
from shareinbox.reply.sandbox import compile_source
from shareinbox.reply.template import Template, parse_template

log = logging.getLogger(__name__)

LANGUAGES = ("ja", "en")
SUFFIX = ".j2"
_PACKAGE = Path(__file__).resolve().parents[1]


def shipped_dir(package: Path = _PACKAGE) -> Path | None:
    """The shipped templates: inside the installed package, else the checkout.

    Args:
        package: the ``shareinbox`` package directory.
    """
    for candidate in (package / "_templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    return None


def template_files(root: Path | None, language: str, *, team: bool) -> list[Path]:
    """The template files under `root` for `language`, in name order."""
    if root is None:
        return []
    folders = [root / language] + ([root] if team else [])
    found: list[Path] = []
    for folder in folders:
        try:
            found += sorted(p for p in folder.iterdir() if p.suffix == SUFFIX)
        except OSError:
            continue  # no such folder: nothing to load from it
    return [p for p in found if p.is_file()]


def load_file(path: Path, language: str, source: str) -> Template:
    """Read and compile one file; a broken one comes back with its `error`."""
    try:
        text = path.read_text(encoding="utf-8")
        template = parse_template(text, path, language=language, source=source)
    except (OSError, UnicodeDecodeError) as e:
        error = TemplateError(path.stem, f"cannot read the file: {e}", path=str(path))
        return _broken(path, language, source, error)
    except TemplateError as e:
        e.path = str(path)
        return _broken(path, language, source, e)
    try:
        subject = compile_source(
            template.subject,
            name=template.name,
            path=path,
            first_line=template.subject_line,
        )
        body = compile_source(
            template.body, name=template.name, path=path, first_line=template.body_line
        )
    except TemplateError as e:
        return replace(template, error=e)
    return replace(template, compiled=(subject, body))


def _broken(path: Path, language: str, source: str, error: TemplateError) -> Template:
    return Template(
        name=path.stem,
        title=path.stem,
        category="",
        subject="",
        keywords=(),
        body="",
        language=language,
        source=source,
        path=path,
        error=error,
    )


def load_templates(
    language: str, shipped: Path | None, team: Path | None
) -> dict[str, Template]:
    """Every template for `language`, by name; team files replace shipped ones."""
    loaded: dict[str, Template] = {}
    for source, root in (("shipped", shipped), ("team", team)):
        seen: dict[str, Path] = {}
        for path in template_files(root, language, team=source == "team"):
            template = load_file(path, language, source)
            if template.name in seen:
                template = replace(
                    template,
                    error=TemplateError(
                        template.name,
                        f"the name is also used by {seen[template.name]}",
                        line=1,
                        path=str(path),
                    ),
                )
            else:
                seen[template.name] = path
            loaded[template.name] = template
    return loaded


class TemplateLibrary:
    """The templates of one language, reloaded when a file changes.

    Safe to share between threads: the daemon runs operations in a pool.
    """

    def __init__(
        self,
        language: str,
        team_dir: Path | None = None,
        *,
        shipped: Path | None = None,
        use_shipped: bool = True,
    ) -> None:
        self.language = language
        self.team_dir = team_dir
        if shipped is None and use_shipped:
            shipped = shipped_dir()
        self.shipped = shipped
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[str, int, int, int], ...] | None = None
        self._templates: dict[str, Template] = {}
        self.loads = 0  # how often the files were read (tests, logs)

    @classmethod
    def from_config(
        cls, config: Config, language: str | None = None
    ) -> TemplateLibrary:
        """The library of a config: its language, its team directory."""
        return cls(language or config.language, config.templates_dir)

    def _files(self) -> list[Path]:
        return template_files(self.shipped, self.language, team=False) + (
            template_files(self.team_dir, self.language, team=True)
        )

    def _current_stamp(self) -> tuple[tuple[str, int, int, int], ...]:
        stamp = []
        for path in self._files():
            try:
                st = path.stat()
            except OSError:
                continue
            stamp.append((str(path), st.st_mtime_ns, st.st_size, st.st_ino))
        return tuple(stamp)

    def refresh(self) -> bool:
        """Reload if any file was added, removed or changed; True if reloaded."""
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp:
                return False
            self._templates = load_templates(self.language, self.shipped, self.team_dir)
            self._stamp = stamp
            self.loads += 1
        log.info("loaded %d %s templates", len(self._templates), self.language)
        return True

    def templates(self) -> list[Template]:
        """Every template, by category and name (broken ones included)."""
        self.refresh()
        return sorted(self._templates.values(), key=lambda t: (t.category, t.name))

    def get(self, name: str) -> Template:
        """The template called `name`.

        Raises:
            NotFound: there is no such template.
        """
        self.refresh()
        try:
            return self._templates[name]
        except KeyError:
            raise NotFound(
                f"no {self.language} template named {name!r}; "
                "`shareinbox templates list` shows them",
                title="No such template",
            ) from None


_LIBRARIES: dict[tuple[str, str], TemplateLibrary] = {}
_LIBRARIES_LOCK = threading.Lock()


def library_for(config: Config, language: str | None = None) -> TemplateLibrary:
    """The shared library for a config's team directory and a language."""
    language = language or config.language
    key = (language, os.fspath(config.templates_dir or ""))
    with _LIBRARIES_LOCK:
        if key not in _LIBRARIES:
            _LIBRARIES[key] = TemplateLibrary.from_config(config, language)
        return _LIBRARIES[key]
