r"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

import os
import tempfile
from pathlib import Path


def current_umask():
    r"""Return the process's umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomically(path, text):
    r"""Write ``text`` to ``path`` through a temporary file in the same folder.

    ``os.replace`` within one file system is atomic, so an interrupted run never leaves a
    truncated report or ``grades.csv`` behind. The file gets the permissions of any new
    file (``0o666`` less the umask), so a teaching assistant's account in the same group
    reads what the umask lets it read.

    Parameters
    ----------
    path : str or os.PathLike
        Destination; missing parent folders are created.
    text : str
        The whole new content, written as UTF-8.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_text_atomically(folder / "a" / "b.txt", "hello")
    >>> (folder / "a" / "b.txt").read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
