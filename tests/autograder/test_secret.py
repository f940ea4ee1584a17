"""The per-course secret and the seeds drawn from it."""

import stat

import pytest

from autograder import secret


def test_hidden_seed_depends_on_secret_and_test_id():
    base = secret.hidden_seed(b"course", "l3_softmax")
    assert base == secret.hidden_seed(b"course", "l3_softmax")
    assert base != secret.hidden_seed(b"other course", "l3_softmax")
    assert base != secret.hidden_seed(b"course", "l3_cross_entropy")
    assert secret.hidden_seed("course", "l3_softmax") == base


def test_public_seed_ignores_the_secret_and_differs_from_hidden():
    assert secret.public_seed("l3_softmax") == secret.public_seed("l3_softmax")
    assert secret.public_seed("l3_softmax") != secret.hidden_seed(b"course", "l3_softmax")
    draws = secret.public_rng("l3_softmax").normal(size=3)
    assert (draws == secret.public_rng("l3_softmax").normal(size=3)).all()


@pytest.mark.parametrize("bad", [b"", "", None, 3])
def test_hidden_seed_rejects_missing_secret(bad):
    with pytest.raises(ValueError, match="secret"):
        secret.hidden_seed(bad, "l3_softmax")


def test_load_secret_prefers_environment_then_file(tmp_path, monkeypatch):
    monkeypatch.delenv(secret.SECRET_ENV_VAR, raising=False)
    assert secret.load_secret(tmp_path) == secret.PUBLIC_DEVELOPMENT_SECRET
    assert secret.secret_is_public(secret.load_secret(tmp_path))
    path = secret.create_secret_file(tmp_path)
    from_file = secret.load_secret(tmp_path)
    assert from_file == path.read_bytes().strip()
    assert not secret.secret_is_public(from_file)
    monkeypatch.setenv(secret.SECRET_ENV_VAR, "from the environment")
    assert secret.load_secret(tmp_path) == b"from the environment"


def test_create_secret_file_is_private_and_kept(tmp_path):
    path = secret.create_secret_file(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert len(first.strip()) == 64
    assert secret.create_secret_file(tmp_path).read_text() == first
    assert secret.create_secret_file(tmp_path, overwrite=True).read_text() != first


def test_course_root_can_be_configured(tmp_path, monkeypatch):
    monkeypatch.setenv(secret.COURSE_ROOT_ENV_VAR, str(tmp_path))
    assert secret.default_course_root() == tmp_path.resolve()
    assert secret.secret_file() == tmp_path.resolve() / secret.SECRET_FILE_NAME


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"", "secret: expected non-empty bytes or str, got an empty one."),
        ("", "secret: expected non-empty bytes or str, got an empty one."),
        (42, "secret: expected non-empty bytes or str, got int."),
    ],
)
def test_a_bad_secret_is_named_without_showing_it(value, message):
    with pytest.raises(ValueError) as raised:
        secret.hidden_seed(value, "l3_softmax")
    assert str(raised.value) == message
