"""Training time of ce_lib's softmax regression against scikit-learn on the digits.

Both models train on the same standardised split; runs are interleaved and the best and
the median of each are reported with the ratio ce_lib / scikit-learn (below 1: faster).

    python benchmarks/bench_regression.py [--repeats 7]
"""

import argparse
import statistics
import time

from sklearn.linear_model import LogisticRegression

from ce_lib.regression import SoftmaxRegression, load_digits_split


def _timed_fit(make_model, X, y):
    start = time.perf_counter()
    model = make_model().fit(X, y)
    return time.perf_counter() - start, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved runs of each model")
    args = parser.parse_args()
    data = load_digits_split()
    contenders = {
        "ce_lib SoftmaxRegression (300 steps)": SoftmaxRegression,
        "sklearn LogisticRegression (lbfgs)": lambda: LogisticRegression(max_iter=1000),
    }
    times = {name: [] for name in contenders}
    scores = {}
    for _ in range(args.repeats):
        for name, make_model in contenders.items():
            elapsed, model = _timed_fit(make_model, data.X_train, data.y_train)
            times[name].append(elapsed)
            scores[name] = model.score(data.X_test, data.y_test)
    print(f"digits: {data.X_train.shape[0]} training, {data.X_test.shape[0]} test samples")
    for name in contenders:
        best, median = min(times[name]), statistics.median(times[name])
        print(
            f"{name:40s} best {best * 1e3:7.1f} ms  median {median * 1e3:7.1f} ms  "
            f"test accuracy {scores[name]:.4f}"
        )
    ours, theirs = (times[name] for name in contenders)
    print(
        f"ratio ce_lib / sklearn: best {min(ours) / min(theirs):.2f}, "
        f"median {statistics.median(ours) / statistics.median(theirs):.2f}"
    )


if __name__ == "__main__":
    main()
