"""The Jinja2 sandbox the templates run in, and errors mapped to file lines.

Templates are compiled in an immutable sandboxed environment with strict
undefined variables and no autoescaping (the output is plain-text mail).
A template may use only the variables of `VARIABLES`; anything else, an
attribute starting with ``_``, or an unsafe call is refused with the
template's name and the line in its file. Values are data: a customer name
holding ``{{ 7*7 }}`` is printed as it is, never evaluated.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from shareinbox.reply.errors import TemplateError

# Variable -> the attributes it has (None: a plain value).
VARIABLES: dict[str, frozenset[str] | None] = {
    "customer": frozenset({"name", "email"}),
    "thread": frozenset({"subject"}),
    "staff": frozenset({"name"}),
    "shop": frozenset({"name"}),
    "order_ids": None,
    "signature": None,
    "quoted": None,
    "today": None,
}
MAX_REPEAT = 100_000  # characters or items a `*` may produce
MAX_EXPONENT = 64
_WEEKDAYS_JA = "月火水木金土日"


def ja_date(value: date) -> str:
    """A date as 2026年12月6日(日)."""
    return (
        f"{value.year}年{value.month}月{value.day}日({_WEEKDAYS_JA[value.weekday()]})"
    )


def en_date(value: date) -> str:
    """A date as 6 December 2026."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with `*` and `**` bounded so a template cannot eat memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and len(seq) * count > MAX_REPEAT
                ):
                    raise SecurityError("repetition result is too large")
        return super().call_binop(context, operator, left, right)


def make_environment() -> jinja2.Environment:
    """A fresh sandboxed environment with the template filters."""
    env = _Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ja_date"] = ja_date
    env.filters["en_date"] = en_date
    return env


ENVIRONMENT = make_environment()


def _describe(error: BaseException) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"syntax error: {error.message}"
    if isinstance(error, SecurityError):
        return f"not allowed: {error}"
    if isinstance(error, jinja2.UndefinedError):
        return f"unknown variable: {error.message}"
    return f"{type(error).__name__}: {error}"


def _static_problems(ast: nodes.Template) -> list[tuple[int, str]]:
    """Unknown variables and private attributes, with their template lines."""
    allowed = set(VARIABLES) | set(ENVIRONMENT.globals)
    free = meta.find_undeclared_variables(ast)
    problems: list[tuple[int, str]] = []
    for name_node in ast.find_all(nodes.Name):
        if name_node.ctx == "load" and name_node.name in free - allowed:
            problems.append(
                (name_node.lineno, f"unknown variable: '{name_node.name}' is undefined")
            )
    for attr_node in ast.find_all(nodes.Getattr):
        if attr_node.attr.startswith("_"):
            problems.append(
                (attr_node.lineno, f"not allowed: attribute '{attr_node.attr}'")
            )
            continue
        target = attr_node.node
        if isinstance(target, nodes.Name) and target.name in free:
            fields = VARIABLES.get(target.name)
            if fields is not None and attr_node.attr not in fields:
                problems.append(
                    (
                        attr_node.lineno,
                        f"unknown variable: '{target.name}' has no "
                        f"'{attr_node.attr}' (it has {', '.join(sorted(fields))})",
                    )
                )
    return sorted(problems)


def compile_source(
    source: str, *, name: str, path: Path, first_line: int
) -> jinja2.Template:
    """Compile one part (subject or body) of a template file.

    Args:
        source: the Jinja2 source of the part.
        name: the template's name (for errors).
        path: the template file.
        first_line: the file line the part starts on.

    Raises:
        TemplateError: a syntax error, an unknown variable or attribute.
    """
    filename = str(path)
    try:
        ast = ENVIRONMENT.parse(source, name, filename)
        problems = _static_problems(ast)
        if problems:
            line, detail = problems[0]
            raise TemplateError(name, detail, line=first_line + line - 1, path=filename)
        code = ENVIRONMENT.compile(ast, name, filename)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(
            name, _describe(e), line=first_line + (e.lineno or 1) - 1, path=filename
        ) from e
    return ENVIRONMENT.template_class.from_code(
        ENVIRONMENT, code, ENVIRONMENT.make_globals(None)
    )


def _template_line(error: BaseException, filename: str) -> int | None:
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_compiled(
    template: jinja2.Template,
    values: dict[str, Any],
    *,
    name: str,
    path: Path,
    first_line: int,
) -> str:
    """Render a compiled part; any failure becomes a `TemplateError`.

    Template code may fail in any way (a sandbox refusal, an undefined
    variable, a division by zero), so every exception is caught here and
    reported with the template's name and file line.
    """
    try:
        return template.render(values)
    except Exception as e:
        line = _template_line(e, str(path))
        raise TemplateError(
            name,
            _describe(e),
            line=None if line is None else first_line + line - 1,
            path=str(path),
        ) from e
