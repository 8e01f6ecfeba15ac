"""Output is written whole, whatever the stream takes per write; standard input is read as
UTF-8 and bounded, or refused with a clear message."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.cli import streams
from planner.cli.streams import write_all
from tests.conftest import EXAMPLES


class Stingy(io.RawIOBase):
    """A stream that takes at most ``most`` bytes per write, as the kernel does past 2 GiB or a
    pipe does when it is nearly full."""

    def __init__(self, most: int) -> None:
        self.most, self.got = most, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(memoryview(data)[: self.most])  # type: ignore[arg-type]
        self.got += chunk
        return len(chunk)


@given(st.binary(max_size=5000), st.integers(1, 700), st.integers(1, 1024))
def test_every_byte_is_written_however_little_each_write_takes(data: bytes, most: int, chunk: int) -> None:
    stream = Stingy(most)
    saved, streams.WRITE_CHUNK = streams.WRITE_CHUNK, chunk
    try:
        write_all(stream, data)  # type: ignore[arg-type]
    finally:
        streams.WRITE_CHUNK = saved
    assert bytes(stream.got) == data


def test_a_stream_that_takes_nothing_is_an_error() -> None:
    with pytest.raises(OSError, match="stopped taking data"):
        write_all(Stingy(0), b"x")  # type: ignore[arg-type]


def test_a_message_on_stdin_that_is_not_utf8_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "s.db"
    env = {"PLANNER_STORE": str(store), "NO_COLOR": "1"}
    run = [sys.executable, "-m", "planner", "incident"]
    started = subprocess.run(
        [*run, "start", str(EXAMPLES / "small.yaml")], capture_output=True, env=env, check=False
    )
    assert started.returncode == 0, started.stderr
    incident = started.stdout.split()[-1].decode()
    sent = subprocess.run(
        [*run, "update", incident, "--message", "-"],
        input=b"caf\xe9 down",
        capture_output=True,
        env=env,
        check=False,
    )
    assert sent.returncode == 2
    assert b"not UTF-8 (byte 0xe9 at offset 3)" in sent.stderr
    assert b"Traceback" not in sent.stderr
    status = subprocess.run(
        [*run, "status", incident, "--format", "json"], capture_output=True, env=env, check=False
    )
    assert [e["kind"] for e in json.loads(status.stdout)["journal"]] == ["incident_started"]  # nothing logged
