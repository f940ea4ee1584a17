r"""Precision and recall of the grader's diagnosis on the bank of wrong answers.

Grades every variant of ``autograder/examples/wrong_answers`` (public and hidden cases, the
bank's secret) and prints, per lesson and in all, how many variants there are, how many
misconception codes their slips should get, how many the grader reported, how many of those
are right, and the precision (reported codes that are right) and recall (expected codes that
were reported). A row per variant whose outcome differs from what the bank says follows.

    .venv/bin/python benchmarks/bench_diagnosis.py
"""

import argparse
import time

from autograder.examples.wrong_answers import diagnosis_table, run_variant, variants


def markdown_table(table):
    r"""The table as Markdown, one row per lesson and one for the whole bank."""
    lines = [
        "| lesson | variants | wrong | codes expected | codes reported | right | precision "
        "| recall |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in table:
        lines.append(
            f"| {row['lesson']} | {row['variants']} | {row['wrong']} | {row['expected']} | "
            f"{row['reported']} | {row['right']} | {row['precision']:.0%} | {row['recall']:.0%} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = [run_variant(variant) for variant in variants()]
    print(markdown_table(diagnosis_table(outcomes)))
    misses = []
    for outcome in outcomes:
        variant = outcome.variant
        if set(outcome.reported) != set(variant.codes) or set(outcome.lost) != set(variant.loses):
            misses.append(
                f"- {variant.test} [{variant.slip}]: reported {list(outcome.reported)}, "
                f"expected {list(variant.codes)}; lost {list(outcome.lost)}, "
                f"expected {list(variant.loses)}"
            )
    if misses:
        print("\nVariants whose outcome differs from the bank:")
        print("\n".join(misses))
    print(f"\n{len(outcomes)} variants graded in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
