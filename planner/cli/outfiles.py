"""Writing an ``-o FILE``: a regular file only, never one the command reads (whatever its name:
a hard link or a symbolic link to the plan is the plan), written whole or not at all.

The file is written beside its target under a temporary name, flushed to disk, then renamed
over the target: a full disk, a killed process or a power cut leaves the old file (or none), never
a truncated one that a re-run would refuse to replace. ``-o -`` is standard output, as ``-`` is
standard input for the plan.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from planner.errors import UsageError
from planner.style import visible

STDOUT = "-"
"""``-o -``: standard output, not a file named ``-``."""


def refuse_os_error(exc: OSError, name: str, doing: str = "write") -> UsageError:
    """The one line an OS error on ``name`` becomes: what could not be done, to which path, why.

    Examples
    --------
    >>> str(refuse_os_error(OSError(errno.ELOOP, "Too many levels of symbolic links"), "a\\nb"))
    'cannot write a\\\\x0ab: too many levels of symbolic links (a symbolic link loop)'
    """
    reason = (exc.strerror or str(exc)).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    hint = {
        errno.ELOOP: " (a symbolic link loop)",
        errno.ENAMETOOLONG: " (a file name is at most 255 bytes, a path 4096)",
        errno.ENOSPC: "; nothing was written",
        errno.EDQUOT: "; nothing was written",
    }.get(exc.errno or 0, "")
    return UsageError(f"cannot {doing} {visible(name)}: {reason}{hint}")


def _status(path: str) -> os.stat_result | None:
    """``os.stat`` of ``path``, None when nothing is there."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise refuse_os_error(exc, path) from None


def _same_file(found: os.stat_result, inputs: tuple[str | Path, ...]) -> str | None:
    """The input that is the file ``found`` describes (same device and inode), if any."""
    for read in inputs:
        if str(read) == STDOUT:
            continue
        with contextlib.suppress(OSError):
            other = os.stat(read)
            if (other.st_dev, other.st_ino) == (found.st_dev, found.st_ino):
                return str(read)
    return None


def check_target(output: str, *, force: bool, inputs: tuple[str | Path, ...] = ()) -> os.stat_result | None:
    """Refuse an ``-o`` that must not be written: a file the command reads (by inode, so a hard
    or symbolic link to it too), something that is not a regular file (a FIFO would block for
    ever, a device would be replaced), an existing file without ``force``. Returns the status of
    what is there now (None for a new file).

    Raises
    ------
    UsageError
        Naming the path and what to do instead.
    """
    shown = visible(output)
    found = _status(output)
    if found is None:
        return None
    read = _same_file(found, inputs)
    if read is not None:
        same = "" if read == output else f" (the same file as {visible(read)})"
        raise UsageError(f"-o {shown} is a file this command reads{same}: write the output elsewhere")
    if stat.S_ISDIR(found.st_mode):
        raise UsageError(f"-o {shown} is a directory: name a file")
    if not stat.S_ISREG(found.st_mode):
        raise UsageError(
            f"-o {shown} is not a regular file (a pipe, a device or a socket): leave out -o to "
            "write to standard output and redirect that"
        )
    if not force:
        raise UsageError(f"-o {shown} exists: add --force to replace it")
    if not os.access(output, os.W_OK):  # a rename would replace it all the same: as `>` would not
        raise UsageError(f"-o {shown} is read-only: make it writable or write elsewhere")
    return found


def write_file(
    output: str, data: bytes | Iterable[bytes], *, force: bool = False, inputs: tuple[str | Path, ...] = ()
) -> None:
    """Write ``data`` (bytes, or parts of it as they are made) to the file ``output`` whole or
    not at all (see the module's docstring); a symbolic link is written through (its target is
    replaced), as ``>`` in a shell would. Whatever stops the parts half-way (an error, an
    interrupt) leaves the old file as it was.

    Raises
    ------
    UsageError
        When the target is refused (:func:`check_target`) or the disk refuses the write; the old
        file is then left as it was.
    """
    found = check_target(output, force=force, inputs=inputs)
    target = os.path.realpath(output) if found is not None else os.path.abspath(output)
    folder = os.path.dirname(target) or "."
    try:
        handle, temporary = tempfile.mkstemp(prefix=".planner-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise refuse_os_error(exc, output) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in (data,) if isinstance(data, bytes) else data:
                view = memoryview(part)
                while view:  # a write may take fewer bytes than it is given
                    view = view[stream.write(view[: 1 << 26]) :]
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(found.st_mode) if found else 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        unchanged = f" ({visible(output)} is unchanged)" if found is not None else ""
        raise UsageError(f"{refuse_os_error(exc, output)}{unchanged}") from None
    except BaseException:  # the parts failed to be made: nothing is left behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def wrote(output: str) -> str:
    """The line saying ``output`` was written, on one line whatever its name holds.

    Examples
    --------
    >>> wrote("runbook.md\\nwrote /etc/passwd")
    'wrote runbook.md\\\\x0awrote /etc/passwd'
    """
    return f"wrote {visible(output)}"
