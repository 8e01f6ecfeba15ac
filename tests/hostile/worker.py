"""One planner process that runs command after command under the hostile-input limits (a 2 GB
address space, a time limit per command), for property tests that try thousands of inputs: a
process per input would cost half a second each.

Protocol: a JSON list of arguments per line on stdin; a JSON object per line on stdout with the
exit code and what the command wrote. A command over its time is killed by SIGALRM, an abort
kills the process: either way the test sees the worker gone.
"""

from __future__ import annotations

import io
import json
import resource
import signal
import sys
from contextlib import redirect_stderr, redirect_stdout


def _serve(address_space: int, seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    from planner.cli import main  # after the limit: the planner lives under it

    reply = sys.stdout
    for line in sys.stdin:
        args = json.loads(line)
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
        err = io.StringIO()
        signal.alarm(seconds)
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
        signal.alarm(0)
        written = out.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]
        reply.write(json.dumps({"code": code, "out": written[:4000], "err": err.getvalue()[:8000]}) + "\n")
        reply.flush()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
