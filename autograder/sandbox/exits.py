r"""Why a sandboxed notebook stopped: :class:`SandboxError` and the reading of exit statuses.

>>> classify_exit(-9).kind, classify_exit(0).kind, SandboxError("start", "no bwrap").grader_failure
('memory', 'exit', True)
"""

import signal


class SandboxError(RuntimeError):
    r"""The sandbox stopped before answering; ``kind`` says why in one word.

    ``kind`` is one of ``"timeout"``, ``"memory"``, ``"output"``, ``"exit"``, ``"crash"``,
    ``"protocol"`` (caused by the student's code) or ``"start"`` (the grader's own failure:
    the notebook gets no grade).
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind

    @property
    def grader_failure(self):
        r"""Whether the failure is the grader's, not the student's code's."""
        return self.kind == "start"


def classify_exit(code):
    r"""Return the :class:`SandboxError` of a worker that stopped with exit status ``code``.

    ``code`` is negative for a signal (``-9`` for SIGKILL), as :mod:`subprocess` reports it.
    """
    if code == -signal.SIGXCPU:
        return SandboxError("timeout", "the notebook used more CPU time than its limit allows")
    if code == -signal.SIGKILL:
        return SandboxError(
            "memory", "the notebook's process was killed (memory limit or a forced stop)"
        )
    if code is not None and code >= 0:
        # No exit status or signal number in the message: the student's code chooses them
        # and could spell out something it saw.
        return SandboxError("exit", "the notebook's process exited before grading ended")
    return SandboxError("crash", "the notebook's process crashed")
