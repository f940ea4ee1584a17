r"""Resuming a run: a notebook whose grading key has not changed keeps its report.

The key of a notebook is a SHA-256 over everything its grade depends on:

- the submitted notebook's bytes;
- the lesson id, and the sources of the grader, the sandbox side and ce_lib (the test
  definitions among them);
- the limits of the run;
- a fingerprint of the course secret (an HMAC, so the key reveals nothing of it);
- the late policy's fingerprint (plugin, due dates, extensions).

A report already in ``OUT`` with the same key (and not a grader error) is reused, so an
interrupted run picks up where it stopped and a regrade after a fix regrades only what the
fix touches.

>>> key = grading_key(b"{}", "lesson3_implement", "Limits()", b"secret", "")
>>> key == grading_key(b"{}", "lesson3_implement", "Limits()", b"secret", "")
True
>>> key == grading_key(b"{}", "lesson3_implement", "Limits()", b"another", "")
False
"""

import functools
import hashlib
import hmac
import json
from pathlib import Path

_PACKAGES = ("autograder", "ce_sandbox", "ce_lib")


@functools.cache
def code_fingerprint():
    r"""SHA-256 of every Python source of the grader, the sandbox side and ce_lib."""
    import importlib

    digest = hashlib.sha256()
    for name in _PACKAGES:
        root = Path(importlib.import_module(name).__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def secret_fingerprint(secret):
    r"""An HMAC of a fixed message under the secret: equal secrets, equal fingerprints."""
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(bytes(secret), b"ce-grade resume key", hashlib.sha256).hexdigest()


def grading_key(notebook_bytes, lesson_id, limits, secret, late_fingerprint):
    r"""Return the grading key of one notebook (hex SHA-256)."""
    digest = hashlib.sha256()
    for part in (
        hashlib.sha256(notebook_bytes or b"").hexdigest(),
        str(lesson_id),
        code_fingerprint(),
        repr(limits),
        secret_fingerprint(secret),
        str(late_fingerprint),
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def submission_key(submission, limits, secret, late_fingerprint):
    r"""Return the grading key of a :class:`autograder.batch.Submission`."""
    from autograder.grading import read_notebook_bytes

    data = b""
    if submission.path is not None:
        try:
            data = read_notebook_bytes(submission.path)
        except ValueError as error:
            data = f"unreadable: {error}".encode()
    extra = submission.problem or submission.note or ""
    return grading_key(
        data + extra.encode(), submission.assignment_id, limits, secret, late_fingerprint
    )


def reusable_report(path, key):
    r"""Return the report at ``path`` when it was graded under ``key``, else None."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or report.get("grading_key") != key:
        return None
    if report.get("status") == "error":
        return None  # a grader failure is always tried again
    return report
