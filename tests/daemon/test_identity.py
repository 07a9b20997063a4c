"""Identity comes from the kernel: real Unix users on a real socket.

As root, the test creates a group and three users (two on the staff, one
not), starts a daemon whose socket belongs to that group, and connects from
child processes running as each user.
"""

from __future__ import annotations

import grp
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shareinbox.errors import PermissionDenied
from tests.daemon.harness import (
    REPO,
    InProcessDaemon,
    daemon_config,
    remove_tree,
    short_dir,
)
from tests.fixtures.configs import STAFF

_CHILD = """
import json, sys
from shareinbox.client import SyncClient
from shareinbox.errors import ShareinboxError
try:
    with SyncClient(sys.argv[1], as_login=sys.argv[2] or None) as client:
        print(json.dumps({"ok": True, "staff": client.call("whoami")}))
except ShareinboxError as e:
    print(json.dumps({"ok": False, "kind": type(e).__name__, "message": e.message}))
"""


@dataclass
class UnixUsers:
    """The group and logins made for one test module."""

    group: str
    gid: int
    staff: list[str]
    stranger: str
    python: str
    shared: Path  # a world-readable dir with a copy of the package


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


def _usable_python(user: str, gid: int) -> str | None:
    for candidate in (sys.executable, "/usr/bin/python3"):
        try:
            done = subprocess.run(
                [candidate, "-c", "pass"], user=user, group=gid, capture_output=True
            )
        except OSError:
            continue
        if done.returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="module")
def unix_users() -> Iterator[UnixUsers]:
    """Two staff users and one stranger, all in a fresh group (root only)."""
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("needs root and useradd to create real users")
    tag = secrets.token_hex(3)
    group, logins = f"sig{tag}", [f"sia{tag}", f"sib{tag}", f"sic{tag}"]
    _run("groupadd", group)
    created: list[str] = []
    shared = short_dir("si-pkg-")
    try:
        for login in logins:
            _run(
                "useradd",
                "--no-create-home",
                "--gid",
                group,
                "--shell",
                "/bin/false",
                login,
            )
            created.append(login)
        gid = grp.getgrnam(group).gr_gid
        shared.chmod(0o755)
        shutil.copytree(
            REPO / "shareinbox",
            shared / "shareinbox",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        python = _usable_python(logins[0], gid)
        if python is None:
            pytest.skip("no Python interpreter the test users may run")
        yield UnixUsers(group, gid, logins[:2], logins[2], python, shared)
    finally:
        for login in created:
            subprocess.run(["userdel", login], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
        remove_tree(shared)


@pytest.fixture
def group_daemon(tmp_path: Path, unix_users: UnixUsers) -> Iterator[InProcessDaemon]:
    """A daemon whose socket the test group may open."""
    socket_dir = short_dir()
    socket_dir.chmod(0o755)
    extra_staff = "".join(
        f'\n[[staff]]\nlogin = "{login}"\nname = "利用者 {login}"\nrole = "agent"\n'
        for login in unix_users.staff
    )
    config = daemon_config(
        tmp_path, socket_dir, group=unix_users.group, staff=STAFF + extra_staff
    )
    running = InProcessDaemon(config).start()
    yield running
    running.stop()
    remove_tree(socket_dir)


def _as_user(
    users: UnixUsers, login: str, socket: Path, as_login: str = ""
) -> dict[str, object]:
    done = subprocess.run(
        [users.python, "-c", _CHILD, str(socket), as_login],
        user=login, group=users.gid, extra_groups=[users.gid],
        env={"PYTHONPATH": str(users.shared), "PATH": "/usr/bin:/bin"},
        cwd=users.shared, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_socket_is_group_only(
    group_daemon: InProcessDaemon, unix_users: UnixUsers
) -> None:
    info = group_daemon.socket.stat()
    assert stat.S_IMODE(info.st_mode) == 0o660
    assert info.st_gid == unix_users.gid


def test_each_user_sees_their_own_identity(
    group_daemon: InProcessDaemon, unix_users: UnixUsers
) -> None:
    for login in unix_users.staff:
        answer = _as_user(unix_users, login, group_daemon.socket)
        assert answer["ok"], answer
        staff = answer["staff"]
        assert isinstance(staff, dict)
        assert (staff["login"], staff["name"]) == (login, f"利用者 {login}")


def test_a_login_not_on_the_staff_is_refused(
    group_daemon: InProcessDaemon, unix_users: UnixUsers
) -> None:
    answer = _as_user(unix_users, unix_users.stranger, group_daemon.socket)
    assert answer["kind"] == "PermissionDenied"
    message = str(answer["message"])
    assert unix_users.stranger in message
    assert "[[staff]]" in message
    assert str(group_daemon.config.path) in message


def test_only_root_may_act_as_someone_else(
    group_daemon: InProcessDaemon, unix_users: UnixUsers
) -> None:
    first, second = unix_users.staff
    answer = _as_user(unix_users, first, group_daemon.socket, as_login=second)
    assert answer["kind"] == "PermissionDenied"
    assert "only root" in str(answer["message"])
    with group_daemon.client(as_login=second) as root_as:
        assert root_as.staff["login"] == second


def test_root_not_on_the_staff_is_refused(tmp_path: Path, socket_dir: Path) -> None:
    staff = '[[staff]]\nlogin = "tanaka"\nname = "田中"\nrole = "admin"\n'
    running = InProcessDaemon(daemon_config(tmp_path, socket_dir, staff=staff)).start()
    try:
        with pytest.raises(PermissionDenied) as refused:
            running.client()
        assert "ask an admin" in refused.value.message
        with pytest.raises(PermissionDenied) as unknown:
            running.client(as_login="nobody-such")
        assert "nobody-such" in unknown.value.message
    finally:
        running.stop()


def test_a_socket_dir_the_daemon_makes_is_open_to_the_group(
    tmp_path: Path, unix_users: UnixUsers
) -> None:
    base = short_dir()
    base.chmod(0o755)
    config = daemon_config(tmp_path, base / "run", group=unix_users.group)
    running = InProcessDaemon(config).start()
    try:
        info = (base / "run").stat()
        assert stat.S_IMODE(info.st_mode) == 0o750
        assert info.st_gid == unix_users.gid
        answer = _as_user(unix_users, unix_users.staff[0], config.server.socket)
        assert (
            answer["kind"] == "PermissionDenied"
        )  # reached the daemon: not staff here
    finally:
        running.stop()
        remove_tree(base)
