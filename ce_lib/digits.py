r"""scikit-learn's bundled 8x8 digits, split into training and test sets (no download).

The split is stratified and repeatable, and the features are standardised with the training
set's statistics. Lesson 5 trains softmax regression on it (:mod:`ce_lib.regression`).
"""

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ce_lib.validation import check_scalar

__all__ = ["DigitsSplit", "load_digits_split"]


@dataclass(frozen=True)
class DigitsSplit:
    """The digits, split into training and test sets.

    Attributes
    ----------
    X_train, X_test : ndarray, shape (n, 64)
        Features (standardised with the training set's mean and scale when asked).
    y_train, y_test : ndarray of int, shape (n,)
    images_train, images_test : ndarray, shape (n, 8, 8)
        The raw pixel images (0..16), for display.
    scaler : sklearn.preprocessing.StandardScaler or None
        Fitted on the training set only.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    images_train: np.ndarray
    images_test: np.ndarray
    scaler: StandardScaler | None = None

    @property
    def n_classes(self):
        """Number of classes (10 digits)."""
        return 10


def load_digits_split(*, test_size=0.25, random_state=0, standardize=True):
    """Load scikit-learn's bundled 8x8 digits and split them, stratified and repeatable.

    Parameters
    ----------
    test_size : float, default 0.25
        Fraction of the samples held out, in (0, 1).
    random_state : int, default 0
        Seed of the split: the same value gives the same split.
    standardize : bool, default True
        Scale each pixel to zero mean and unit variance on the training set (constant
        pixels keep scale one).

    Returns
    -------
    DigitsSplit

    Examples
    --------
    >>> data = load_digits_split()
    >>> data.X_train.shape, data.X_test.shape
    ((1347, 64), (450, 64))
    """
    test_size = check_scalar(test_size, "test_size", numbers.Real, min_val=0, max_val=1,
                             include_boundaries="neither")  # fmt: skip
    random_state = check_scalar(random_state, "random_state", numbers.Integral)
    standardize = check_scalar(standardize, "standardize", bool)
    digits = load_digits()
    X_train, X_test, y_train, y_test, img_train, img_test = train_test_split(
        digits.data,
        digits.target,
        digits.images,
        test_size=test_size,
        random_state=int(random_state),
        stratify=digits.target,
    )
    scaler = None
    if standardize:
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    return DigitsSplit(
        X_train, X_test, y_train.astype(np.int64), y_test.astype(np.int64), img_train, img_test,
        scaler,
    )  # fmt: skip
