"""Tests of ce_lib.regression: softmax regression on scikit-learn's bundled digits."""

import numpy as np
import pytest

from ce_lib.cross_entropy import cross_entropy
from ce_lib.regression import (
    DigitsSplit,
    SoftmaxRegression,
    accuracy,
    load_digits_split,
    weights_as_images,
)
from ce_lib.softmax import softmax


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def test_split_is_repeatable_stratified_and_standardised_on_training_data(digits):
    assert isinstance(digits, DigitsSplit)
    assert digits.X_train.shape == (1347, 64) and digits.X_test.shape == (450, 64)
    assert digits.images_train.shape == (1347, 8, 8)
    assert digits.y_train.dtype == np.int64 and digits.n_classes == 10
    again = load_digits_split()
    np.testing.assert_array_equal(digits.X_test, again.X_test)
    np.testing.assert_array_equal(digits.y_test, again.y_test)
    other = load_digits_split(random_state=1)
    assert not np.array_equal(digits.y_test, other.y_test)
    # Stratified: every class keeps its share of the data in the test set.
    train_share = np.bincount(digits.y_train) / digits.y_train.size
    test_share = np.bincount(digits.y_test) / digits.y_test.size
    np.testing.assert_allclose(train_share, test_share, atol=0.01)
    np.testing.assert_allclose(digits.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(
        digits.scaler.inverse_transform(digits.X_train[:5]),
        digits.images_train[:5].reshape(5, 64),
        atol=1e-12,
    )
    raw = load_digits_split(standardize=False)
    assert raw.scaler is None and raw.X_train.max() == 16.0


def test_softmax_regression_reaches_95_percent_on_digits(digits):
    model = SoftmaxRegression().fit(digits.X_train, digits.y_train)
    test_accuracy = model.score(digits.X_test, digits.y_test)
    assert test_accuracy >= 0.95
    assert model.W_.shape == (64, 10) and model.b_.shape == (10,) and model.n_classes_ == 10
    assert model.losses_.shape == (301,)
    assert np.all(np.diff(model.losses_) < 0)
    assert model.loss(digits.X_train, digits.y_train) == pytest.approx(model.losses_[-1])


def test_first_step_is_x_transpose_times_a_minus_y_over_n(digits):
    X, y = digits.X_train[:200], digits.y_train[:200]
    model = SoftmaxRegression(lr=0.3, n_steps=1, l2=0.0).fit(X, y)
    A = softmax(np.zeros((200, 10)))
    Y = np.eye(10)[y]
    np.testing.assert_allclose(model.W_, -0.3 * X.T @ (A - Y) / 200, atol=1e-15)
    np.testing.assert_allclose(model.b_, -0.3 * (A - Y).mean(axis=0), atol=1e-15)
    assert model.losses_[0] == pytest.approx(np.log(10))


def test_predictions_are_consistent(digits):
    model = SoftmaxRegression(n_steps=30, momentum=0.5, l2=0.0).fit(digits.X_train, digits.y_train)
    Z = model.decision_function(digits.X_test)
    np.testing.assert_allclose(model.predict_proba(digits.X_test), softmax(Z))
    np.testing.assert_array_equal(model.predict(digits.X_test), Z.argmax(axis=1))
    assert model.loss(digits.X_test, digits.y_test) == pytest.approx(
        cross_entropy(Z, digits.y_test)
    )


def test_accuracy():
    y_true = np.array([0, 1, 2, 2, 1, 0])
    y_pred = np.array([0, 2, 2, 2, 1, 1])
    assert accuracy(y_true, y_pred) == pytest.approx(4 / 6)


def test_weights_as_images():
    W = np.arange(640.0).reshape(64, 10)
    images = weights_as_images(W)
    assert images.shape == (10, 8, 8)
    np.testing.assert_array_equal(images[3], W[:, 3].reshape(8, 8))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: load_digits_split(test_size=1.0), r"test_size: .* in \(0, 1\), got 1.0"),
        (lambda: load_digits_split(random_state=None), "random_state: expected an integer"),
        (lambda: load_digits_split(standardize=1), "standardize: expected a bool, got 1"),
        (lambda: SoftmaxRegression(lr=0).fit([[1.0]], [0]), "lr: .* > 0, got 0"),
        (lambda: SoftmaxRegression(n_steps=-1).fit([[1.0]], [0]), "n_steps: expected"),
        (lambda: SoftmaxRegression(momentum=1.0).fit([[1.0]], [0]), r"momentum: .*\[0, 1\)"),
        (lambda: SoftmaxRegression(l2=-1.0).fit([[1.0]], [0]), "l2: .* >= 0, got -1.0"),
        (lambda: SoftmaxRegression().fit([1.0, 2.0], [0, 1]), "X: expected shape"),
        (lambda: SoftmaxRegression().fit([[np.nan], [1.0]], [0, 1]), "X: expected finite.*0"),
        (lambda: SoftmaxRegression().fit([[0.0], [1.0]], [0]), "y: expected a 1-D array.*2"),
        (lambda: SoftmaxRegression().fit([[0.0], [1.0]], [0.0, 1.0]), "y: expected integer"),
        (lambda: SoftmaxRegression().fit([[0.0], [1.0]], [0, -2]), "y: expected labels >= 0"),
        (
            lambda: SoftmaxRegression().fit([[0.0], [1.0]], [0, 3], n_classes=3),
            "n_classes: expected an integer >= 4, got 3",
        ),
        (lambda: SoftmaxRegression().predict([[0.0]]), "not fitted yet"),
        (
            lambda: SoftmaxRegression(n_steps=1).fit([[0.0], [1.0]], [0, 1]).predict([[0.0, 1.0]]),
            "X: expected 1 features as in training, got 2",
        ),
        (lambda: accuracy([0, 1], [0]), "y_pred: expected a 1-D array of integer labels"),
        (lambda: accuracy([], []), "y_true: expected at least one label"),
        (lambda: weights_as_images(np.ones((10, 2))), r"W: expected shape \(64, n_classes\)"),
        (lambda: weights_as_images(np.ones((64, 2)), (8, 0)), "image_shape: expected a tuple"),
    ],
)
def test_bad_input_raises_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
