r"""Time ce_lib's one-pass loss and gradient against PyTorch and a SciPy version.

Every implementation computes the mean softmax cross-entropy of integer labels and its
gradient with respect to the logits, on the same arrays in the same run:

* ``ce_lib``: :func:`ce_lib.cross_entropy_with_grad`, input validation included;
* ``torch``: ``torch.nn.functional.cross_entropy`` forward and ``backward()`` through
  autograd on CPU, one thread (skipped when torch is not installed);
* ``scipy``: ``scipy.special.log_softmax``, the loss picked from it and the gradient
  ``(exp(log a) - onehot(y)) / N``, without validation.

Logits are ``3 * randn`` of shapes (256, 10), (4096, 1000) and (65536, 100) in float32 and
float64. The implementations take turns within every repeat (interleaved), so a busy
moment of a shared machine hits all of them; the table shows the best time of each and the
ratios ce_lib / peer (below 1: ce_lib is faster), from the best and from the median times.
Timing samples are short (about 2 ms) and cheap cases get more repeats, so that on a busy
machine the best sample still shows the time the code itself needs.
BLAS (NumPy's and SciPy's) is limited to one thread with threadpoolctl, and torch with
``torch.set_num_threads(1)``, so no implementation gets more cores than another.

Some machines set ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` to work around old OpenBLAS
builds; they slow a current NumPy down, so the script restarts itself without them (for its
own process only) and prints which BLAS kernel runs.

Usage::

    python benchmarks/bench_cross_entropy.py            # about a minute
    python benchmarks/bench_cross_entropy.py --quick    # a few seconds, to see it works
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

SLOWING_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SHAPES = [(256, 10), (4096, 1000), (65536, 100)]
DTYPES = ["float32", "float64"]


def restart_without_slowing_variables() -> list[str]:
    """Re-execute this script without the OpenBLAS overrides; return those removed."""
    removed = [name for name in SLOWING_VARIABLES if name in os.environ]
    if removed and os.environ.get("CE_BENCH_RESTARTED") != "1":
        env = {k: v for k, v in os.environ.items() if k not in SLOWING_VARIABLES}
        env["CE_BENCH_RESTARTED"] = "1"
        env["CE_BENCH_REMOVED"] = ",".join(removed)
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)
    return [name for name in os.environ.get("CE_BENCH_REMOVED", "").split(",") if name]


def parse_shape(text: str) -> tuple[int, int]:
    try:
        n_samples, n_classes = (int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N,K such as 256,10, got {text!r}") from None
    if n_samples < 1 or n_classes < 1:
        raise argparse.ArgumentTypeError(f"expected positive N and K, got {text!r}")
    return n_samples, n_classes


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: check that it runs")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved repeats")
    parser.add_argument(
        "--shape",
        action="append",
        type=parse_shape,
        help="N,K logits shape to time instead of the standard three (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.shapes = args.shape or SHAPES
    if args.repeats is None:
        args.repeats = 2 if args.quick else 25
    if args.repeats < 1:
        parser.error(f"--repeats: expected a positive integer, got {args.repeats}")
    return args


def make_implementations(np, scipy_special, torch):
    """The contenders: name -> function(z, y, y_torch) returning (loss, grad)."""
    from ce_lib import cross_entropy_with_grad

    def ce_lib_version(z, y, _):
        return cross_entropy_with_grad(z, y)

    def scipy_version(z, y, _):
        n_samples = z.shape[0]
        rows = np.arange(n_samples)
        log_a = scipy_special.log_softmax(z, axis=1)
        loss = -log_a[rows, y].mean()
        grad = np.exp(log_a)
        grad[rows, y] -= 1
        grad /= n_samples
        return loss, grad

    def torch_version(z, _, y_torch):
        z_torch = torch.from_numpy(z).requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(z_torch, y_torch)
        loss.backward()
        return loss.item(), z_torch.grad.numpy()

    implementations = {"ce_lib": ce_lib_version, "torch": torch_version, "scipy": scipy_version}
    if torch is None:
        del implementations["torch"]
    return implementations


def per_call(function, args) -> float:
    """Seconds one call takes (the best of three)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return max(min(times), 1e-7)


def calls_per_sample(function, args, sample_seconds: float) -> int:
    """How many calls make one timing sample last about ``sample_seconds``."""
    return max(1, int(sample_seconds / per_call(function, args)))


def main(argv=None) -> int:
    removed = restart_without_slowing_variables()
    if removed:
        print(f"unset for this process: {', '.join(removed)}", flush=True)
    args = parse_args(argv)

    import numpy as np
    import scipy.special
    from threadpoolctl import threadpool_info, threadpool_limits

    try:
        import torch
    except ImportError:
        torch = None

    threadpool_limits(limits=1)
    if torch is not None:
        torch.set_num_threads(1)

    print("softmax cross-entropy: mean loss and gradient of integer labels, one pass")
    for pool in threadpool_info():
        print(
            f"{pool['user_api']}: {pool['internal_api']} {pool.get('version') or ''} "
            f"kernel={pool.get('architecture') or '-'} threads={pool['num_threads']}"
        )
    if torch is not None:
        print(f"torch {torch.__version__}, threads={torch.get_num_threads()}")
    else:
        print("torch not installed: its column is skipped")
    print(f"numpy {np.__version__}, BLAS limited to 1 thread with threadpoolctl")
    print(
        f"at least {args.repeats} interleaved repeats per case (more for cheap cases); "
        "times are per call, the best sample"
    )
    print()

    implementations = make_implementations(np, scipy.special, torch)
    peers = [name for name in ("torch", "scipy") if name in implementations]
    header = f"{'shape':>14} {'dtype':>8} " + " ".join(f"{name:>10}" for name in implementations)
    header += " " + " ".join(f"{'/' + peer + ' best':>12} {'median':>7}" for peer in peers)
    print(header)
    print("-" * len(header))

    rng = np.random.default_rng(args.seed)
    # Short timing samples are rarely interrupted by other processes, and the best of many
    # of them is the time the code needs; cheap cases get more repeats within a budget.
    sample_seconds = 0.001 if args.quick else 0.002
    case_budget_seconds = 0.0 if args.quick else 2.0
    verdicts = []
    for shape in args.shapes:
        for dtype in DTYPES:
            z = (3.0 * rng.standard_normal(shape)).astype(dtype)
            y = rng.integers(0, shape[1], shape[0])
            y_torch = torch.from_numpy(y) if torch is not None else None
            call_args = (z, y, y_torch)

            # the same numbers from every contender, before timing them
            reference_loss, reference_grad = implementations["scipy"](*call_args)
            tolerance = 1e-4 if dtype == "float32" else 1e-10
            for name, function in implementations.items():
                loss, grad = function(*call_args)
                if not (
                    np.isclose(loss, reference_loss, rtol=tolerance)
                    and np.allclose(grad, reference_grad, rtol=tolerance, atol=tolerance / shape[0])
                ):
                    raise SystemExit(f"{name} disagrees with scipy at {shape} {dtype}")

            loops = {
                name: calls_per_sample(function, call_args, sample_seconds)
                for name, function in implementations.items()
            }
            seconds_per_repeat = sum(
                loops[name] * per_call(function, call_args)
                for name, function in implementations.items()
            )
            repeats = max(args.repeats, int(case_budget_seconds / seconds_per_repeat))
            samples = {name: [] for name in implementations}
            for _ in range(repeats):
                for name, function in implementations.items():
                    start = time.perf_counter()
                    for _ in range(loops[name]):
                        function(*call_args)
                    samples[name].append((time.perf_counter() - start) / loops[name])

            best = {name: min(times) for name, times in samples.items()}
            median = {name: statistics.median(times) for name, times in samples.items()}
            row = f"{shape!s:>14} {dtype:>8} "
            row += " ".join(f"{best[name] * 1e3:>8.3f}ms" for name in implementations)
            for peer in peers:
                best_ratio = best["ce_lib"] / best[peer]
                median_ratio = median["ce_lib"] / median[peer]
                row += f" {best_ratio:>12.2f} {median_ratio:>7.2f}"
                verdicts.append((peer, best_ratio, median_ratio))
            print(row)

    print()
    targets = {
        "torch": ("at most as slow as", lambda r: r <= 1.0),
        "scipy": ("faster than", lambda r: r < 1.0),
    }
    for peer in peers:
        wish, meets = targets[peer]
        best_ratios = [b for name, b, _ in verdicts if name == peer]
        median_ratios = [m for name, _, m in verdicts if name == peer]
        met = "met" if all(meets(r) for r in best_ratios) else "NOT met"
        print(
            f"ce_lib / {peer}: {min(best_ratios):.2f}-{max(best_ratios):.2f} from best times, "
            f"{min(median_ratios):.2f}-{max(median_ratios):.2f} from medians; "
            f"target {wish} {peer} everywhere (best times): {met}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
