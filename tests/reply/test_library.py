"""Loading templates: team files override shipped ones, edits are live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shareinbox.config import load_config
from shareinbox.reply import (
    TemplateError,
    TemplateLibrary,
    library_for,
    render_template,
    shipped_dir,
)
from tests.fixtures.configs import write_config
from tests.reply.helpers import BODY_LINE, full_context, write_template


def _touch_later(path: Path) -> None:
    # Some file systems keep coarse times: move the mtime on explicitly.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_team_template_overrides_shipped_one_by_name(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "delivery-delay", "{{ customer.name }}様 配送が遅れています\n",
                   file_name="our-delay")  # fmt: skip
    write_template(team, "coupon", "{{ shop.name }}のクーポンです\n", category="販促")
    write_template(team / "en", "english-only", "Hello\n")
    library = TemplateLibrary("ja", team)
    by_name = {t.name: t for t in library.templates()}
    assert by_name["delivery-delay"].source == "team"
    assert by_name["cancellation"].source == "shipped"
    assert by_name["coupon"].source == "team"
    assert "english-only" not in by_name
    rendered = render_template(library, "delivery-delay", full_context())
    assert rendered.body == "山田 太郎様 配送が遅れています\n"
    english = {t.name: t for t in TemplateLibrary("en", team).templates()}
    assert english["coupon"].source == "team"
    assert english["english-only"].source == "team"
    assert english["delivery-delay"].source == "shipped"


def test_two_team_files_with_one_name_are_an_error(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "twice", "one\n", file_name="a")
    write_template(team / "ja", "twice", "two\n", file_name="b")
    library = TemplateLibrary("ja", team, use_shipped=False)
    [template] = library.templates()
    assert template.error is not None
    assert "also used by" in template.error.message
    with pytest.raises(TemplateError):
        render_template(library, "twice", full_context())


def test_an_edited_file_is_used_at_once(tmp_path: Path) -> None:
    team = tmp_path / "team"
    path = write_template(team / "ja", "live", "版1 {{ staff.name }}\n")
    library = TemplateLibrary("ja", team, use_shipped=False)
    assert render_template(library, "live", full_context()).body == "版1 田中 花子\n"
    assert library.loads == 1
    library.templates()
    assert library.loads == 1  # nothing changed: nothing re-read
    write_template(team / "ja", "live", "版2\n{{ customer.phone }}\n")
    _touch_later(path)
    with pytest.raises(TemplateError) as caught:
        render_template(library, "live", full_context())
    assert caught.value.line == BODY_LINE + 1
    assert library.loads == 2
    write_template(team / "ja", "live", "版3 {{ shop.name }}\n")
    _touch_later(path)
    assert render_template(library, "live", full_context()).body == "版3 テスト商店\n"
    write_template(team / "ja", "added", "新規\n")
    assert [t.name for t in library.templates()] == ["added", "live"]
    path.unlink()
    assert [t.name for t in library.templates()] == ["added"]


def test_library_for_follows_the_config(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write_template(team, "only-ours", "x\n")
    config = load_config(write_config(tmp_path, extra="",
                                      shop='name = "店"\nlanguage = "ja"'))  # fmt: skip
    assert config.templates_dir is None
    library = library_for(config)
    assert library.language == "ja"
    assert library is library_for(config)
    names = {t.name for t in library.templates()}
    assert "only-ours" not in names
    assert "apology" in names
    path = write_config(tmp_path, shop='name = "店"\nlanguage = "en"')
    text = path.read_text(encoding="utf-8") + f'\n[templates]\ndir = "{team}"\n'
    path.write_text(text, encoding="utf-8")
    with_team = library_for(load_config(path))
    assert with_team.language == "en"
    assert "only-ours" in {t.name for t in with_team.templates()}


def test_shipped_templates_are_found_in_a_wheel_or_a_checkout(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "shareinbox").mkdir(parents=True)
    (checkout / "templates" / "ja").mkdir(parents=True)
    assert shipped_dir(checkout / "shareinbox") == checkout / "templates"
    installed = tmp_path / "site-packages" / "shareinbox"
    (installed / "_templates" / "en").mkdir(parents=True)
    assert shipped_dir(installed) == installed / "_templates"
    assert shipped_dir(tmp_path / "elsewhere" / "shareinbox") is None
