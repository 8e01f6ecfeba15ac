"""``planner serve`` from the command line: bad input is one line and exit 2 (nothing created,
nothing listening); the real command serves, says where, keeps its token out of every line it
writes, and ends on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import TOKEN


@pytest.mark.parametrize(
    "case",
    [
        (["--bind", "nonsense"], {}, "--bind 'nonsense': give HOST:PORT"),
        (["--bind", "127.0.0.1:70000"], {}, "give HOST:PORT"),
        ([], {"PLANNER_SERVE_TOKEN": "short"}, "PLANNER_SERVE_TOKEN: the token is too short"),
        (["--token-file", "/nonexistent/token"], {}, "--token-file /nonexistent/token: cannot read it"),
        (["--incident", "INC-9"], {}, "no incident INC-9 in"),
        (["--bind", "127.0.0.1:8181", "--internal-bind", "127.0.0.1:8181"], {}, "must differ from --bind"),
    ],
)
def test_bad_input_is_one_line(
    run_cli, small_store: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[list[str], dict[str, str], str]
) -> None:  # type: ignore[no-untyped-def]
    args, env, words = case
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run_cli("serve", "--store", small_store, *args)
    assert result.code == 2
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_a_token_file_others_can_read_is_said(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    token = tmp_path / "token"
    token.write_text("short\n", encoding="utf-8")
    token.chmod(0o644)
    result = run_cli("serve", "--store", tmp_path / "none.db", "--token-file", token)
    assert "can be read by other users: chmod 600 it" in result.err
    assert "the token is too short" in result.err
    assert "short" not in result.err.replace("too short", "")  # the token itself is never said
    token.chmod(0o600)
    assert "chmod" not in run_cli("serve", "--store", tmp_path / "none.db", "--token-file", token).err


def test_a_missing_store_is_not_created(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("serve", "--store", tmp_path / "typo.db")
    assert result.code == 2
    assert "no incident store at" in result.err
    assert not (tmp_path / "typo.db").exists()


def test_a_busy_port_is_one_line(run_cli, small_store: Path) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--store", small_store, "--bind", f"127.0.0.1:{port}")
    assert result.code == 2
    assert f"--bind 127.0.0.1:{port}: cannot listen there" in result.err


def test_ctrl_c_stops_the_command_cleanly(small_store: Path) -> None:
    command = [sys.executable, "-m", "planner", "serve", "--store", str(small_store), "--bind", "127.0.0.1:0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    for line in server.stderr:
        if line.startswith("internal page:"):
            break
    server.send_signal(signal.SIGINT)
    _, rest = server.communicate(timeout=30)
    assert server.returncode == 0, rest
    assert rest.rstrip().endswith("stopped")


CTRL_C_AS_THE_LOOP_IS_MADE = """import signal, socket, sys
from planner.cli import main

made = socket.socketpair

def socketpair(*args, **kwargs):  # asyncio's new event loop makes its self-pipe with it
    socket.socketpair = made
    signal.raise_signal(signal.SIGINT)
    return made(*args, **kwargs)

socket.socketpair = socketpair
sys.exit(main(["serve", "--store", sys.argv[1], "--bind", "127.0.0.1:0"]))
"""


def test_ctrl_c_before_the_server_runs_stops_it_cleanly(small_store: Path, tmp_path: Path) -> None:
    """Ctrl-C that came while asyncio made its event loop (a loaded machine, uvicorn not yet
    listening for it) raised KeyboardInterrupt half-way through the loop's making: "stopped",
    then a traceback of the half-made loop and a coroutine never awaited. Here it comes exactly
    then."""
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_AS_THE_LOOP_IS_MADE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(small_store)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.rstrip().endswith("stopped"), done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_serves_and_stops_on_sigterm(small_store: Path) -> None:
    env = {**os.environ, "PLANNER_SERVE_TOKEN": TOKEN}
    command = [sys.executable, "-m", "planner", "serve", "--store", str(small_store), "--bind", "127.0.0.1:0"]
    server = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    said: list[str] = []
    try:
        assert server.stderr is not None
        for line in server.stderr:
            said.append(line)
            if line.startswith("internal page:"):
                break
        public = re.search(r"public page: (http://127\.0\.0\.1:\d+/)", "".join(said))
        assert public, said
        url = public[1]
        assert f"internal page: {url}internal/ (with the token)" in said[-1]
        assert httpx.get(url, timeout=20).status_code == 200
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(url + "internal/", headers=auth, timeout=20).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, rest = server.communicate(timeout=30)
    said.append(rest)
    assert TOKEN not in "".join(said)
    assert '"GET /internal/ HTTP/1.1" 200' in rest  # the access log: the path, never the token
