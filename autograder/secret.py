r"""The per-course secret and the seeds drawn from it.

Hidden test inputs are drawn at grading time from a seed that only the course knows:

.. math::

    \mathrm{seed} = \mathrm{HMAC\text{-}SHA256}(\mathrm{secret}, \mathrm{test\ id})

so the published test definitions reveal nothing about the hidden inputs, while a regrade
with the same secret draws exactly the same inputs. Public inputs are drawn from the test id
alone, so a learner sees the same public cases on every run.

The secret is read from the environment variable ``CE_GRADE_SECRET`` or from the file
``.ce_grade_secret`` at the course root. Without either, a public development secret is used
and :func:`secret_is_public` says so: hidden cases then still run, but they are not secret.

Examples
--------
>>> seed_a = hidden_seed(b"course secret", "l3_softmax")
>>> seed_a == hidden_seed(b"course secret", "l3_softmax")
True
>>> seed_a == hidden_seed(b"another secret", "l3_softmax")
False
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np

SECRET_ENV_VAR = "CE_GRADE_SECRET"
SECRET_FILE_NAME = ".ce_grade_secret"
COURSE_ROOT_ENV_VAR = "CE_GRADE_COURSE_ROOT"
#: Used only when a course has not set its own secret (a learner's own copy, the tests).
PUBLIC_DEVELOPMENT_SECRET = b"ce-grade public development secret: hidden cases are not secret"


def default_course_root():
    r"""Return the course root: ``CE_GRADE_COURSE_ROOT`` or the repository of this package.

    The repository is the parent folder of the ``autograder`` package when it holds
    ``nbgrader_config.py``; otherwise ``None``.
    """
    configured = os.environ.get(COURSE_ROOT_ENV_VAR)
    if configured:
        return Path(configured).resolve()
    repository = Path(__file__).resolve().parent.parent
    if (repository / "nbgrader_config.py").is_file():
        return repository
    return None


def secret_file(course_root=None):
    r"""Return the path of the secret file of ``course_root`` (default: the course root)."""
    root = Path(course_root) if course_root is not None else default_course_root()
    return None if root is None else root / SECRET_FILE_NAME


def load_secret(course_root=None):
    r"""Return the course secret as bytes.

    Parameters
    ----------
    course_root : path-like, optional
        Folder holding ``.ce_grade_secret``. Defaults to :func:`default_course_root`.

    Returns
    -------
    bytes
        ``CE_GRADE_SECRET`` if set, else the file's content, else
        :data:`PUBLIC_DEVELOPMENT_SECRET`.
    """
    from_env = os.environ.get(SECRET_ENV_VAR)
    if from_env:
        return from_env.encode("utf-8")
    path = secret_file(course_root)
    if path is not None and path.is_file():
        content = path.read_bytes().strip()
        if content:
            return content
    return PUBLIC_DEVELOPMENT_SECRET


def secret_is_public(secret):
    r"""Return True when ``secret`` is the public development secret."""
    return bytes(secret) == PUBLIC_DEVELOPMENT_SECRET


def create_secret_file(course_root, *, overwrite=False):
    r"""Write a fresh random secret to ``course_root/.ce_grade_secret`` and return its path.

    The file is readable by its owner only. An existing secret is kept unless ``overwrite``
    is true, because changing it changes every hidden input of every later regrade.
    """
    path = Path(course_root) / SECRET_FILE_NAME
    if path.exists() and not overwrite:
        return path
    path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def hidden_seed(secret, test_id):
    r"""Return the integer seed of the hidden cases of ``test_id`` under ``secret``.

    .. math::

        \mathrm{seed} = \mathrm{int}(\mathrm{HMAC\text{-}SHA256}(\mathrm{secret},
        \text{"hidden:"} + \mathrm{test\ id}))
    """
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not isinstance(secret, bytes | bytearray):
        raise ValueError(f"secret: expected non-empty bytes or str, got {type(secret).__name__}.")
    if not secret:
        raise ValueError("secret: expected non-empty bytes or str, got an empty one.")
    digest = hmac.new(bytes(secret), f"hidden:{test_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest, "big")


def public_seed(test_id):
    r"""Return the integer seed of the public cases of ``test_id`` (depends on the id only)."""
    return int.from_bytes(hashlib.sha256(f"public:{test_id}".encode()).digest(), "big")


def hidden_rng(secret, test_id):
    r"""Return a NumPy generator seeded with :func:`hidden_seed`."""
    return np.random.default_rng(hidden_seed(secret, test_id))


def public_rng(test_id):
    r"""Return a NumPy generator seeded with :func:`public_seed`."""
    return np.random.default_rng(public_seed(test_id))
