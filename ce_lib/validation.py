r"""The input checks of ce_lib, in one style.

Every check of ce_lib's public functions either is here or is built on the helpers here:
:func:`check_scalar` for a number or a flag (``lr``, ``n_steps``, ``n_classes``,
``label_smoothing``, ...), :func:`check_labels` for integer class labels, and the array
checks of the numerics (:func:`check_logits`, :func:`check_target`, ...) and of the other
modules (:func:`check_features`, :func:`check_step`). Checks of what only one module
takes (SymPy symbols in ``symbolic``, the logits of one sample in ``dynamics``, a figure's
size or curve in ``plots``) stay in that module, in the same message style.

A check returns the input (as a NumPy array of the dtype the computation uses, or as a
plain ``int``, ``float`` or ``bool``), or raises an error whose message names the
argument, says what was expected and shows the offending value or sample:
``"lr: expected a finite number > 0, got -1.0."``. The error is a :class:`ValueError`; an
argument of the wrong type raises :class:`ArgumentTypeError`, which is both a
:class:`TypeError` and a :class:`ValueError`, so ``except ValueError`` catches every input
error of ce_lib. Nothing is coerced silently: float labels are not rounded, bool is not
taken for an integer, ragged label lists are not padded.

The target of the cross-entropy comes in three forms, told apart by shape and dtype:

* integer labels ``y`` of shape ``(N,)`` (a scalar for one sample ``(K,)``),
* a one-hot integer matrix ``(N, K)`` whose every row holds exactly one 1,
* target distributions ``t`` of shape ``(N, K)``: floats, non-negative, rows summing to one.

A one-hot matrix is turned into the labels it encodes, so both integer forms follow the same
conventions (PyTorch's for class indices).
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

__all__ = [
    "REDUCTIONS",
    "ArgumentTypeError",
    "Target",
    "as_real_array",
    "check_axis",
    "check_features",
    "check_finite",
    "check_ignore_index",
    "check_label_smoothing",
    "check_labels",
    "check_logits",
    "check_reduction",
    "check_scalar",
    "check_step",
    "check_target",
    "check_weight",
    "compute_dtype",
    "distribution_tolerance",
]

REDUCTIONS = ("mean", "sum", "none")


BOUNDARIES = ("both", "neither", "left", "right")


class ArgumentTypeError(TypeError, ValueError):
    r"""An argument of the wrong type: a :class:`TypeError`, and a :class:`ValueError` like
    every other input error of ce_lib."""


def _type_phrase(target_type, bounded: bool) -> str:
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    # Between two bounds "finite" goes without saying.
    number = "a number" if bounded else "a finite number"
    names = {bool: "a bool", Integral: "an integer", Real: number, str: "a string"}
    phrases = [names.get(t, f"a {getattr(t, '__name__', t)}") for t in types]
    return " or ".join(dict.fromkeys(phrases))


def _range_phrase(min_val, max_val, include_boundaries: str) -> str:
    closed_left = include_boundaries in ("both", "left")
    closed_right = include_boundaries in ("both", "right")
    if min_val is not None and max_val is not None:
        return (
            f" in {'[' if closed_left else '('}{min_val}, {max_val}{']' if closed_right else ')'}"
        )
    if min_val is not None:
        return f" {'>=' if closed_left else '>'} {min_val}"
    if max_val is not None:
        return f" {'<=' if closed_right else '<'} {max_val}"
    return ""


def check_scalar(x, name: str, target_type, *, min_val=None, max_val=None,
                 include_boundaries: str = "both"):  # fmt: skip
    r"""Check a scalar argument's type and range, in the manner of scikit-learn's
    ``sklearn.utils.check_scalar``.

    Parameters
    ----------
    x : object
        The value to check.
    name : str
        The argument's name, for the message.
    target_type : type or tuple of types
        What ``x`` must be an instance of, such as :class:`numbers.Integral`,
        :class:`numbers.Real` or ``bool``. A bool (Python's or NumPy's) is accepted only
        when ``bool`` is one of them, and a real number must be finite (neither NaN nor
        infinite).
    min_val, max_val : number, optional
        The bounds of the range ``x`` must lie in.
    include_boundaries : {"both", "neither", "left", "right"}, default "both"
        Which of the bounds ``x`` may equal.

    Returns
    -------
    int, float, bool or the value itself
        ``x`` as a plain ``int`` (an integer), ``float`` (another real) or ``bool``.

    Raises
    ------
    ArgumentTypeError
        If ``x`` is not of ``target_type``.
    ValueError
        If ``x`` is NaN, infinite or out of range.

    Examples
    --------
    >>> check_scalar(3, "n_steps", Integral, min_val=0)
    3
    >>> check_scalar(0.0, "lr", Real, min_val=0, include_boundaries="neither")
    Traceback (most recent call last):
    ...
    ValueError: lr: expected a finite number > 0, got 0.0.
    >>> check_scalar(True, "n_classes", Integral, min_val=2)
    Traceback (most recent call last):
    ...
    ce_lib.validation.ArgumentTypeError: n_classes: expected an integer >= 2, got True.
    >>> check_scalar(1.5, "step", Integral, min_val=0, max_val=4)
    Traceback (most recent call last):
    ...
    ce_lib.validation.ArgumentTypeError: step: expected an integer in [0, 4], got 1.5.
    """
    if include_boundaries not in BOUNDARIES:
        raise ValueError(
            f"include_boundaries: expected one of {BOUNDARIES}, got {include_boundaries!r}."
        )
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    bounded = min_val is not None and max_val is not None
    expected = _type_phrase(target_type, bounded) + _range_phrase(
        min_val, max_val, include_boundaries
    )
    is_bool = isinstance(x, bool | np.bool_)
    if (bool not in types) if is_bool else not isinstance(x, types):
        raise ArgumentTypeError(f"{name}: expected {expected}, got {x!r}.")
    if is_bool:
        return bool(x)
    if isinstance(x, Real) and not np.isfinite(x):
        raise ValueError(f"{name}: expected {expected}, got {x!r}.")
    closed_left = include_boundaries in ("both", "left")
    closed_right = include_boundaries in ("both", "right")
    below = min_val is not None and (x < min_val if closed_left else x <= min_val)
    above = max_val is not None and (x > max_val if closed_right else x >= max_val)
    if below or above:
        raise ValueError(f"{name}: expected {expected}, got {x!r}.")
    if isinstance(x, Integral):
        return int(x)
    if isinstance(x, Real):
        return float(x)
    return x


def check_labels(y, name: str = "y", *, n_samples=None, n_classes=None) -> np.ndarray:
    r"""Check integer class labels: a non-empty 1-D integer array, counted from 0.

    Parameters
    ----------
    y : array_like of int, shape (n_samples,)
    name : str, default "y"
        The argument's name, for the message.
    n_samples : int, optional
        The number of labels expected.
    n_classes : int, optional
        When given, every label must be below it.

    Returns
    -------
    numpy.ndarray
        The labels, of their own integer dtype.

    Examples
    --------
    >>> check_labels([0, 2, 1], n_classes=3).tolist()
    [0, 2, 1]
    >>> check_labels([0, 3], "y_true", n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: y_true: expected labels in [0, 3), got 3 for sample 1.
    """
    y = np.asarray(y)
    if y.ndim != 1 or (n_samples is not None and y.shape[0] != n_samples):
        length = "" if n_samples is None else f" of length {n_samples}"
        raise ValueError(
            f"{name}: expected a 1-D array of integer labels{length}, got shape {y.shape}."
        )
    if y.size == 0:
        raise ValueError(f"{name}: expected at least one label, got none.")
    if y.dtype.kind not in "iu":
        raise ValueError(f"{name}: expected integer labels, got dtype {y.dtype}.")
    high = np.inf if n_classes is None else n_classes
    bad = np.flatnonzero((y < 0) | (y >= high))
    if bad.size:
        which = ">= 0" if n_classes is None else f"in [0, {n_classes})"
        raise ValueError(f"{name}: expected labels {which}, got {y[bad[0]]} for sample {bad[0]}.")
    return y


def _is_sequence(item) -> bool:
    return isinstance(item, list | tuple) or (isinstance(item, np.ndarray) and item.ndim > 0)


def _short(values, limit: int = 8) -> str:
    """Render a few values for an error message."""
    values = np.asarray(values).ravel().tolist()
    text = ", ".join(repr(v) for v in values[:limit])
    return f"[{text}{', ...' if len(values) > limit else ''}]"


def _ragged_error(x, name: str) -> ValueError:
    """Name the first row of a ragged sequence whose length differs from row 0."""
    rows = list(x)
    lengths = [len(row) if _is_sequence(row) else None for row in rows]
    where = next((i for i, n in enumerate(lengths) if n != lengths[0]), None)
    detail = f": row {where} differs in length from row 0" if where is not None else ""
    return ValueError(
        f"{name}: expected a rectangular array of real numbers, got a ragged sequence{detail}."
    )


def as_real_array(x, name: str) -> np.ndarray:
    r"""Convert ``x`` to a NumPy array of real numbers (integers or floats), without copying.

    Parameters
    ----------
    x : array-like
        The input.
    name : str
        The argument name used in error messages.

    Returns
    -------
    numpy.ndarray
        ``x`` as an array of an integer or floating dtype.

    Raises
    ------
    ValueError
        If ``x`` is ragged, or holds bools, complex numbers, strings or objects.

    Examples
    --------
    >>> as_real_array([1, 2], "z").dtype.kind
    'i'
    >>> as_real_array([True, False], "z")
    Traceback (most recent call last):
    ...
    ValueError: z: expected real numbers (an integer or float dtype), got dtype bool.
    """
    try:
        arr = np.asarray(x)
    except ValueError:
        raise _ragged_error(x, name) from None
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{name}: expected real numbers (an integer or float dtype), got dtype {arr.dtype}."
        )
    return arr


def compute_dtype(dtype) -> np.dtype:
    r"""The float dtype a computation on values of ``dtype`` runs in.

    Floats keep their dtype (float16 is computed in float32, its values are few and
    imprecise); integers are computed in float64.

    Examples
    --------
    >>> compute_dtype(np.float32), compute_dtype(np.int64)
    (dtype('float32'), dtype('float64'))
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        return np.dtype(np.float64)
    if dtype.itemsize < 4:
        return np.dtype(np.float32)
    return dtype


def distribution_tolerance(*dtypes) -> float:
    r"""How far a target row's sum may be from one: 1e-4 if any dtype is float32 or
    narrower, else 1e-6.

    Examples
    --------
    >>> distribution_tolerance(np.float64, np.float32)
    0.0001
    """
    narrow = any(np.dtype(d).kind == "f" and np.dtype(d).itemsize <= 4 for d in dtypes)
    return 1e-4 if narrow else 1e-6


def check_finite(x: np.ndarray, name: str, *, row_offset: int = 0) -> None:
    r"""Raise ``ValueError`` naming the first NaN or infinite entry of ``x``.

    For a 2-D array the message names the sample (row, counted from ``row_offset``) and the
    class (column).

    Examples
    --------
    >>> check_finite(np.array([[0.0, 1.0], [np.inf, 2.0]]), "z")
    Traceback (most recent call last):
    ...
    ValueError: z: expected finite values, but sample 1 has inf at class 0.
    """
    if x.dtype.kind != "f":
        return
    finite = np.isfinite(x)
    if finite.all():
        return
    index = np.unravel_index(int(np.argmin(finite.ravel())), x.shape)
    value = x[index].item()
    if x.ndim == 2:
        where = f"sample {index[0] + row_offset} has {value} at class {index[1]}"
    elif x.ndim == 1:
        where = f"entry {index[0]} is {value}"
    else:
        where = f"entry {tuple(int(i) for i in index)} is {value}"
    raise ValueError(f"{name}: expected finite values, but {where}.")


def check_axis(axis, ndim: int) -> int:
    r"""Return ``axis`` as a non-negative integer valid for ``ndim`` dimensions.

    Examples
    --------
    >>> check_axis(-1, 2)
    1
    """
    axis = check_scalar(axis, "axis", Integral, min_val=-ndim, max_val=ndim,
                        include_boundaries="left")  # fmt: skip
    return axis % ndim


def check_features(X) -> np.ndarray:
    """Inputs ``X`` of a linear model: a non-empty, finite ``(n_samples, n_features)`` array.

    >>> check_features([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_features([[1.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X: expected finite values, got nan in sample 0.
    """
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"X: expected a 2-D array of real numbers, got {X!r}.") from error
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"X: expected shape (n_samples, n_features), non-empty, got {X.shape}.")
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        raise ValueError(
            f"X: expected finite values, got {X[tuple(bad[0])]} in sample {bad[0][0]}."
        )
    return X


def check_step(step, n_steps: int) -> int:
    """A step index of a recorded descent: an integer in ``[0, n_steps]``.

    >>> check_step(3, 10)
    3
    >>> check_step(11, 10)
    Traceback (most recent call last):
    ...
    ValueError: step: expected an integer in [0, 10], got 11.
    """
    return check_scalar(step, "step", Integral, min_val=0, max_val=n_steps)


def check_logits(z, *, finite: bool = True) -> tuple[np.ndarray, bool]:
    r"""Validate logits ``z`` of shape ``(N, K)`` or a single sample ``(K,)``.

    Parameters
    ----------
    z : array-like
        Real logits. Integers are converted to float64; float32 stays float32.
    finite : bool, default True
        Check that every logit is finite here. The cross-entropy turns this off and checks
        finiteness inside a pass over the data it makes anyway.

    Returns
    -------
    z : numpy.ndarray
        The logits as a C-contiguous 2-D float array ``(N, K)`` (a view when possible).
    single : bool
        Whether the input was a single sample ``(K,)``.

    Examples
    --------
    >>> z, single = check_logits([1, 2, 3])
    >>> z.shape, z.dtype, single
    ((1, 3), dtype('float64'), True)
    """
    arr = as_real_array(z, "z")
    if arr.ndim not in (1, 2):
        raise ValueError(
            "z: expected logits of shape (n_samples, n_classes) or (n_classes,), "
            f"got shape {arr.shape}."
        )
    single = arr.ndim == 1
    arr2d = arr.reshape(1, -1) if single else arr
    if arr2d.shape[0] == 0:
        raise ValueError("z: expected at least one sample, got an empty batch (n_samples=0).")
    if arr2d.shape[1] == 0:
        raise ValueError(f"z: expected at least one class, got shape {arr.shape}.")
    arr2d = np.ascontiguousarray(arr2d, dtype=compute_dtype(arr.dtype))
    if finite:
        check_finite(arr2d, "z")
    return arr2d, single


def check_reduction(reduction) -> str:
    r"""Return ``reduction`` if it is ``"mean"``, ``"sum"`` or ``"none"``.

    Examples
    --------
    >>> check_reduction("avg")
    Traceback (most recent call last):
    ...
    ValueError: reduction: expected 'mean', 'sum' or 'none', got 'avg'.
    """
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction: expected 'mean', 'sum' or 'none', got {reduction!r}.")
    return reduction


def check_label_smoothing(label_smoothing) -> float:
    r"""Return ``label_smoothing`` as a float in [0, 1].

    Examples
    --------
    >>> check_label_smoothing(-0.1)
    Traceback (most recent call last):
    ...
    ValueError: label_smoothing: expected a number in [0, 1], got -0.1.
    """
    return float(check_scalar(label_smoothing, "label_smoothing", Real, min_val=0, max_val=1))


def check_ignore_index(ignore_index) -> int | None:
    r"""Return ``ignore_index`` as an int, or None.

    Examples
    --------
    >>> check_ignore_index(1.0)
    Traceback (most recent call last):
    ...
    ce_lib.validation.ArgumentTypeError: ignore_index: expected an integer, got 1.0.
    """
    if ignore_index is None:
        return None
    return check_scalar(ignore_index, "ignore_index", Integral)


def check_weight(weight, n_classes: int, dtype) -> np.ndarray | None:
    r"""Validate class weights: ``n_classes`` finite, non-negative reals.

    Returns the weights in ``dtype`` (the computation's dtype), or None.

    Examples
    --------
    >>> check_weight([1.0, -2.0], 2, np.float64)
    Traceback (most recent call last):
    ...
    ValueError: weight: expected non-negative class weights, but class 1 has weight -2.0.
    """
    if weight is None:
        return None
    w = as_real_array(weight, "weight")
    if w.shape != (n_classes,):
        raise ValueError(
            f"weight: expected one weight per class, shape ({n_classes},), got shape {w.shape}."
        )
    check_finite(w, "weight")
    negative = np.flatnonzero(w < 0)
    if negative.size:
        k = int(negative[0])
        raise ValueError(
            f"weight: expected non-negative class weights, but class {k} has weight {w[k].item()}."
        )
    return np.ascontiguousarray(w, dtype=dtype)


@dataclass(frozen=True)
class Target:
    r"""A validated cross-entropy target.

    Attributes
    ----------
    labels : numpy.ndarray or None
        Integer class labels ``(N,)`` (from labels or a one-hot matrix), int64.
    distribution : numpy.ndarray or None
        Target distributions ``(N, K)`` in the computation's dtype.
    ignored : numpy.ndarray or None
        Boolean mask of the samples whose label equals ``ignore_index`` (None if no sample
        is ignored).
    """

    labels: np.ndarray | None = None
    distribution: np.ndarray | None = None
    ignored: np.ndarray | None = None


def _ragged_target_error(target, n_classes: int) -> ValueError:
    """Find the sample of a ragged target that carries several labels."""
    items = list(target)
    for i, item in enumerate(items):
        if _is_sequence(item) and len(item) != n_classes:
            return ValueError(
                f"target: expected one label per sample, but sample {i} holds "
                f"{len(item)} labels {_short(item)}."
            )
    lengths = [len(item) if _is_sequence(item) else None for item in items]
    i = next(i for i, n in enumerate(lengths) if n != lengths[0])
    return ValueError(
        f"target: expected one label per sample (labels of shape (n_samples,)) or one row "
        f"per sample, but sample {i} differs in length from sample 0."
    )


def _as_target_array(target, n_classes: int) -> np.ndarray:
    try:
        arr = np.asarray(target)
    except ValueError:
        raise _ragged_target_error(target, n_classes) from None
    if arr.dtype == object and arr.ndim >= 1:
        raise _ragged_target_error(target, n_classes)
    if arr.dtype.kind == "b":
        raise ValueError(
            "target: expected integer labels, an integer one-hot matrix or float "
            "distributions, got dtype bool (convert it with .astype(int) if it is one-hot)."
        )
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            "target: expected integer labels, an integer one-hot matrix or float "
            f"distributions, got dtype {arr.dtype}."
        )
    return arr


def _labels_from_one_hot(one_hot: np.ndarray, single: bool) -> np.ndarray:
    """The labels a one-hot integer matrix encodes; several ones in a row is an error."""
    what = "the target row" if single else "sample {i}'s row"
    not_binary = np.flatnonzero(((one_hot != 0) & (one_hot != 1)).any(axis=1))
    if not_binary.size:
        i = int(not_binary[0])
        raise ValueError(
            f"target: an integer target of shape {one_hot.shape[1:] if single else one_hot.shape}"
            f" is read as one-hot rows of 0 and 1 (one label per sample), but "
            f"{what.format(i=i)} is {_short(one_hot[i])}."
        )
    ones = np.count_nonzero(one_hot, axis=1)
    wrong = np.flatnonzero(ones != 1)
    if wrong.size:
        i = int(wrong[0])
        classes = np.flatnonzero(one_hot[i]).tolist()
        found = "no 1" if ones[i] == 0 else f"{ones[i]} ones (classes {classes})"
        raise ValueError(
            f"target: expected one label per sample (exactly one 1 per one-hot row), but "
            f"{what.format(i=i)} has {found}."
        )
    return np.argmax(one_hot, axis=1).astype(np.int64)


def _labels_and_ignored(labels: np.ndarray, n_classes: int, ignore_index, single: bool):
    labels = labels.astype(np.int64, copy=False)
    ignored = None
    if ignore_index is not None:
        ignored = labels == ignore_index
        bad = ~ignored & ((labels < 0) | (labels >= n_classes))
        ignored = ignored if ignored.any() else None
    elif labels.min() >= 0 and labels.max() < n_classes:  # two reductions, no temporaries
        return labels, None
    else:
        bad = (labels < 0) | (labels >= n_classes)
    if bad.any():
        i = int(np.argmax(bad))
        where = "the label is" if single else f"sample {i} has label"
        raise ValueError(
            f"target: expected class labels in [0, {n_classes}) (n_classes={n_classes}), "
            f"but {where} {labels[i]}."
        )
    return labels, ignored


def _check_distribution(t: np.ndarray, dtype, single: bool) -> np.ndarray:
    what = "the target row" if single else "sample {i}"
    check_finite(t, "target")
    negative = np.flatnonzero((t < 0).any(axis=1))
    if negative.size:
        i = int(negative[0])
        raise ValueError(
            "target: expected non-negative probabilities in each target distribution, but "
            f"{what.format(i=i)} is {_short(t[i])}."
        )
    tol = distribution_tolerance(t.dtype, dtype)
    sums = t.sum(axis=1, dtype=np.float64)
    off = np.flatnonzero(np.abs(sums - 1.0) > tol)
    if off.size:
        i = int(off[0])
        raise ValueError(
            f"target: expected each float target row to be a distribution summing to one "
            f"(within {tol:g}), but {what.format(i=i)} sums to {sums[i]:.7g} "
            f"({_short(t[i])}). Give one label per sample (integer labels), or a real "
            "distribution: several labels on one sample are not supported."
        )
    return np.ascontiguousarray(t, dtype=dtype)


def check_target(
    target, n_samples: int, n_classes: int, *, single: bool, dtype, ignore_index=None
) -> Target:
    r"""Validate a cross-entropy target against logits of shape ``(n_samples, n_classes)``.

    Parameters
    ----------
    target : array-like
        Integer labels ``(N,)`` (a scalar when ``single``), a one-hot integer matrix
        ``(N, K)`` (``(K,)`` when ``single``), or float target distributions of the same
        shape.
    n_samples, n_classes : int
        The logits' shape.
    single : bool
        Whether the logits were a single sample ``(K,)``.
    dtype : numpy.dtype
        The computation's dtype; distributions are converted to it.
    ignore_index : int or None
        Labels equal to it are ignored and exempt from range checks (integer labels only).

    Returns
    -------
    Target

    Examples
    --------
    >>> check_target([0, 2], 2, 3, single=False, dtype=np.float64).labels
    array([0, 2])
    >>> check_target([[1, 1, 0]], 1, 3, single=False, dtype=np.float64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: target: expected one label per sample ... sample 0's row has 2 ones ...
    """
    arr = _as_target_array(target, n_classes)
    if single:
        if arr.ndim == 0:
            if arr.dtype.kind == "f":
                raise ValueError(
                    f"target: expected an integer class label, got the float {arr.item()!r} "
                    "(labels are not rounded; pass an int)."
                )
            kind, arr = "labels", arr.reshape(1)
        elif arr.shape == (n_classes,):
            kind, arr = ("distribution" if arr.dtype.kind == "f" else "one_hot"), arr[None, :]
        elif arr.ndim == 1 and arr.dtype.kind != "f":
            raise ValueError(
                f"target: a single sample takes one label (a scalar) or a one-hot row of "
                f"length {n_classes}, but got {arr.size} labels {_short(arr)}: one label "
                "per sample."
            )
        else:
            raise ValueError(
                f"target: for logits of shape ({n_classes},) expected a scalar label or a row "
                f"of shape ({n_classes},), got shape {arr.shape}."
            )
    else:
        if arr.ndim == 1:
            if arr.shape[0] != n_samples:
                raise ValueError(
                    f"target: expected {n_samples} labels, shape ({n_samples},), to match z of "
                    f"shape ({n_samples}, {n_classes}), got shape {arr.shape}."
                )
            if arr.dtype.kind == "f":
                raise ValueError(
                    f"target: expected integer class labels, got dtype {arr.dtype} (labels are "
                    "not rounded; convert them with .astype(int), or pass (n_samples, n_classes)"
                    " float rows for target distributions)."
                )
            kind = "labels"
        elif arr.ndim == 2 and arr.shape == (n_samples, n_classes):
            kind = "distribution" if arr.dtype.kind == "f" else "one_hot"
        elif arr.ndim == 2 and arr.shape[0] == n_samples and arr.dtype.kind != "f":
            raise ValueError(
                f"target: expected one label per sample, labels of shape ({n_samples},), or a "
                f"one-hot matrix of shape ({n_samples}, {n_classes}), got an integer array of "
                f"shape {arr.shape}: sample 0 holds {arr.shape[1]} labels {_short(arr[0])}."
            )
        else:
            raise ValueError(
                f"target: expected labels of shape ({n_samples},) or rows of shape "
                f"({n_samples}, {n_classes}) to match z, got shape {arr.shape}."
            )

    if kind == "distribution":
        if ignore_index is not None:
            raise ValueError(
                "ignore_index: works only with integer labels, but target holds float "
                f"distributions; got ignore_index={ignore_index}."
            )
        return Target(distribution=_check_distribution(arr, dtype, single))
    if kind == "one_hot":
        if ignore_index is not None:
            raise ValueError(
                "ignore_index: works only with integer labels of shape (n_samples,), but target "
                f"is a one-hot matrix; got ignore_index={ignore_index}."
            )
        return Target(labels=_labels_from_one_hot(arr, single))
    labels, ignored = _labels_and_ignored(arr, n_classes, ignore_index, single)
    return Target(labels=labels, ignored=ignored)
