r"""Reading what students hand in without following links or opening special files.

A submitted folder is written by students: an entry named like a notebook may be a symbolic
link to the course's solutions, a named pipe (FIFO) that blocks whoever opens it, or a
device. Everything here looks at an entry with :func:`os.lstat` first, opens only regular
files, and opens them with ``O_NOFOLLOW | O_NONBLOCK`` and checks again on the open file, so
an entry swapped between the look and the open is refused as well.

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "a.txt")
>>> with open(path, "w") as handle:
...     _ = handle.write("hello")
>>> read_regular_file(path, max_bytes=100)
b'hello'
>>> os.symlink(path, os.path.join(folder, "link.txt"))
>>> entry_kind(os.path.join(folder, "link.txt"))
'symbolic link'
"""

import os
import stat
from numbers import Integral

from ce_lib.validation import check_scalar

__all__ = ["entry_kind", "kind_of_mode", "read_regular_file"]

_KINDS = (
    (stat.S_ISREG, "file"),
    (stat.S_ISDIR, "folder"),
    (stat.S_ISLNK, "symbolic link"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def kind_of_mode(mode):
    r"""Name the kind of file of an ``st_mode`` value.

    Parameters
    ----------
    mode : int
        ``st_mode`` of :func:`os.lstat` or :func:`os.fstat`.

    Returns
    -------
    str
        ``"file"``, ``"folder"``, ``"symbolic link"``, ``"FIFO"`` (a named pipe), ``"socket"``,
        ``"character device"``, ``"block device"`` or ``"special file"``.

    Examples
    --------
    >>> kind_of_mode(stat.S_IFIFO | 0o644)
    'FIFO'
    """
    for test, name in _KINDS:
        if test(mode):
            return name
    return "special file"


def entry_kind(path):
    r"""Name the kind of the entry at ``path`` without following a symbolic link.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    str or None
        As :func:`kind_of_mode`, or ``None`` when nothing is there.
    """
    try:
        return kind_of_mode(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def read_regular_file(path, *, max_bytes):
    r"""Return the bytes of the regular file at ``path``, refusing anything else.

    Parameters
    ----------
    path : str or os.PathLike
        The file; a symbolic link, folder, FIFO, socket or device is refused without being
        opened (a symbolic link is never followed).
    max_bytes : int
        The largest size accepted.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If ``path`` is not a regular file or is larger than ``max_bytes``; the message says
        what it is.
    OSError
        If the file cannot be read (missing, permission denied).
    """
    max_bytes = check_scalar(max_bytes, "max_bytes", Integral, min_val=0)
    kind = kind_of_mode(os.lstat(path).st_mode)
    if kind != "file":
        raise ValueError(f"path: expected a regular file, got {os.fspath(path)!r}, a {kind}.")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):  # replaced between the look and the open
            kind = kind_of_mode(status.st_mode)
            raise ValueError(f"path: expected a regular file, got {os.fspath(path)!r}, a {kind}.")
        if status.st_size > max_bytes:
            raise ValueError(
                f"path: expected a file of at most {max_bytes} bytes, got {os.fspath(path)!r}, "
                f"of {status.st_size} bytes."
            )
        chunks, remaining = [], max_bytes + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > max_bytes:  # grew while being read
        raise ValueError(
            f"path: expected a file of at most {max_bytes} bytes, got {os.fspath(path)!r}, "
            "which grew past that while being read."
        )
    return data
