r"""The ``ce-grade`` command.

.. code-block:: text

    ce-grade autograde SUBMITTED --out OUT [--jobs N] [--scheduler ADDRESS]
    ce-grade check NOTEBOOK
    ce-grade release [LESSON ...]
    ce-grade report OUT
    ce-grade demo

``autograde`` grades nbgrader's submitted layout ``SUBMITTED/{student}/{assignment}/*.ipynb``
and writes ``OUT/grades.csv``, ``OUT/reports/...json`` and ``OUT/feedback/...html``; when the
course root holds ``nbgrader_config.py`` it also records the scores in nbgrader's gradebook
and writes the autograded notebooks the formgrader reads. ``check`` grades one notebook the
same way and prints the report. ``release`` builds the student versions with stock
``nbgrader generate_assignment``. ``demo`` releases the lessons and grades the bundled
example class.
"""

import argparse
import contextlib
import filecmp
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE_CLASS = Path(__file__).resolve().parent / "examples" / "class" / "submitted"


def _positive_int(text):
    # argparse puts the option's name in front: "argument --jobs: expected ...".
    from numbers import Integral

    from ce_lib.validation import check_scalar

    try:
        return check_scalar(int(text), "", Integral, min_val=1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}.") from None


def _existing_dir(text):
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"expected an existing folder, got {text!r}.")
    return path


def _existing_file(text):
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"expected an existing file, got {text!r}.")
    return path


def build_parser():
    """The argument parser of ``ce-grade`` (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="ce-grade",
        description="Grade the softmax cross-entropy course safely: student code runs in a "
        "sandbox, answers are compared on the trusted side, feedback names misconceptions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_sandbox_option(sub):
        sub.add_argument(
            "--no-sandbox",
            action="store_true",
            help="run student code WITHOUT isolation (only for notebooks you trust: it can "
            "read and change anything this user can); every output then says so",
        )

    def add_course_options(sub):
        sub.add_argument(
            "--course-root",
            type=_existing_dir,
            help="folder with nbgrader_config.py, solutions/ and gradebook.db "
            "(default: the repository this package was installed from)",
        )
        sub.add_argument(
            "--secret-file",
            type=_existing_file,
            help="file holding the course secret (default: CE_GRADE_SECRET or "
            "COURSE_ROOT/.ce_grade_secret)",
        )

    autograde = commands.add_parser(
        "autograde", help="grade every notebook of a class (nbgrader's submitted layout)"
    )
    autograde.add_argument("submitted", type=_existing_dir, metavar="SUBMITTED")
    autograde.add_argument("--out", required=True, type=Path, metavar="OUT")
    autograde.add_argument("--jobs", type=_positive_int, default=1, metavar="N")
    autograde.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask distributed scheduler, e.g. tcp://host:8786"
    )
    autograde.add_argument(
        "--no-gradebook",
        action="store_true",
        help="do not write nbgrader's gradebook and autograded notebooks",
    )
    autograde.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    autograde.add_argument(
        "--no-resume",
        action="store_true",
        help="grade every notebook again, even those whose report in OUT is up to date",
    )
    autograde.add_argument(
        "--group-readable",
        action="store_true",
        help="make every output readable by the owner's group (a teaching assistant's "
        "account), whatever the umask; by default outputs follow the umask",
    )
    add_sandbox_option(autograde)
    add_course_options(autograde)

    check = commands.add_parser("check", help="grade your own notebook and print the report")
    check.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    check.add_argument("--lesson", help="lesson id (default: from the notebook's name)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    add_sandbox_option(check)
    add_course_options(check)

    release = commands.add_parser(
        "release", help="build the student versions in notebooks/ with nbgrader"
    )
    release.add_argument("lessons", nargs="*", metavar="LESSON", help="default: every lesson")
    add_course_options(release)

    from autograder import class_report

    class_report.add_arguments(commands.add_parser("report", help=class_report.HELP))

    demo = commands.add_parser(
        "demo", help="release the lessons and grade the bundled example class"
    )
    demo.add_argument("--out", type=Path, default=Path("out") / "demo", metavar="OUT")
    demo.add_argument("--jobs", type=_positive_int, default=2, metavar="N")
    demo.add_argument("--no-gradebook", action="store_true")
    add_sandbox_option(demo)
    add_course_options(demo)
    return parser


def _course_root(args):
    if args.course_root is not None:
        return args.course_root.resolve()
    from autograder.secret import default_course_root

    return default_course_root()


def _secret(args, course_root):
    if args.secret_file is not None:
        content = args.secret_file.read_bytes().strip()
        if not content:
            raise SystemExit(
                f"ce-grade: error: --secret-file: expected a file holding the secret, got the "
                f"empty file {str(args.secret_file)!r}."
            )
        return content
    from autograder.secret import load_secret

    return load_secret(course_root)


def _warn_public_secret(secret):
    from autograder.secret import secret_is_public

    if secret_is_public(secret):
        print(
            "ce-grade: note: no course secret set (CE_GRADE_SECRET or .ce_grade_secret); "
            "hidden cases are drawn from the public development secret",
            file=sys.stderr,
        )


def _lesson_ids():
    from autograder.definitions import lesson_ids

    return list(lesson_ids())


def run_autograde(
    submitted,
    out,
    *,
    secret,
    jobs=1,
    scheduler=None,
    course_root=None,
    gradebook=True,
    progress=True,
    limits=None,
    resume=True,
):
    r"""Grade a class and write every output; return the list of reports.

    The programmatic form of ``ce-grade autograde``. ``gradebook=True`` records scores in
    nbgrader's gradebook of ``course_root`` (when it holds ``nbgrader_config.py``);
    ``limits`` (an :class:`autograder.sandbox.launcher.Limits`) replaces the default limits.
    With ``resume``, a notebook whose report in ``out`` was graded under the same grading key
    (:mod:`autograder.resume`) is not graded again.
    """
    from tqdm import tqdm

    from autograder.batch import course_lessons, find_submissions, grade_submissions
    from autograder.outputs import ClassOutputs

    # No progress-bar monitor thread: local workers are forked from this process.
    tqdm.monitor_interval = 0
    try:
        submissions = find_submissions(submitted, lessons=course_lessons(course_root))
    except ValueError as error:
        raise SystemExit(f"ce-grade: error: {error}") from None
    from autograder.resume import reusable_report, submission_key
    from autograder.sandbox.launcher import Limits

    limits = limits or Limits()
    has_config = course_root is not None and (Path(course_root) / "nbgrader_config.py").is_file()
    policy = late_policy(course_root) if has_config else None
    late_fingerprint = policy.fingerprint() if policy is not None else ""
    by_key = {(s.student_id, s.assignment_id, s.notebook_id): s for s in submissions}
    grading_keys = {
        key: submission_key(s, limits, secret, late_fingerprint) for key, s in by_key.items()
    }
    Path(out).mkdir(parents=True, exist_ok=True)
    reports = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(exclusive_lock(Path(out) / ".ce-grade.lock", "the output folder"))
        if gradebook and has_config:
            stack.enter_context(
                exclusive_lock(Path(course_root) / ".ce-grade-gradebook.lock", "the gradebook")
            )
        outputs = ClassOutputs(out)
        to_grade = []
        for key, submission in by_key.items():
            report_path = outputs.report_path(dict(zip(_ROW_KEY, key, strict=True)))
            kept = reusable_report(report_path, grading_keys[key]) if resume else None
            if kept is None:
                to_grade.append(submission)
            else:
                outputs.table.upsert(kept)
                reports.append(kept)
        if reports:
            outputs.table.save()
        if to_grade and scheduler is None:
            # On a cluster each worker runs the self-test before it takes work.
            check_sandbox(limits, {s.assignment_id for s in to_grade if s.path is not None})
        writer = None
        bar = stack.enter_context(
            tqdm(
                total=len(submissions),
                initial=len(reports),
                file=sys.stderr,
                unit="notebook",
                desc="grading",
                disable=not progress,
                dynamic_ncols=True,
            )
        )
        for report in grade_submissions(
            sorted(to_grade),
            secret=secret,
            jobs=jobs,
            scheduler=scheduler,
            course_root=course_root,
            limits=limits,
        ):
            key = (report["student_id"], report["assignment_id"], report["notebook_id"])
            submission = by_key.get(key)
            report["grading_key"] = grading_keys.get(key)
            if gradebook and has_config and writer is None:
                # Opened once the workers run: importing nbgrader then overlaps with grading.
                from autograder.gradebook import GradebookWriter

                writer = stack.enter_context(GradebookWriter(course_root))
            recorded = None
            if writer is not None and report.get("status") != "error":
                # A grader failure is not a grade: nothing goes into the gradebook.
                recorded = _record(writer, report, submission, bar)
            _apply_late_policy(report, policy, submission, recorded, writer, bar)
            outputs.add(report)
            reports.append(report)
            bar.update(1)
        outputs.forget_stale_rows(submissions)
    return reports


def late_policy(course_root):
    r"""Return the course's :class:`autograder.late.LatePolicy` (stops with a clear error)."""
    from autograder.late import LatePolicy

    try:
        return LatePolicy.from_course(course_root)
    except ValueError as error:
        raise SystemExit(f"ce-grade: error: the course's late policy: {error}") from None


def _record(writer, report, submission, bar):
    from autograder.autograded import write_autograded_notebook

    key = "/".join(str(report[k]) for k in ("student_id", "assignment_id", "notebook_id"))
    path = submission.path if submission else None
    try:
        recorded = writer.record(report, path)
        if recorded is not None:
            write_autograded_notebook(
                writer.course_root, report, path, gradebook=writer.gradebook, db_url=writer.db_url
            )
    except Exception as error:  # a gradebook problem must not lose the run
        bar.write(
            f"ce-grade: warning: gradebook not updated for {key}: {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        return None
    if recorded and recorded["manual"]:
        cells = ", ".join(recorded["manual"])
        report["manual_scores"] = list(recorded["manual"])
        report.setdefault("notes", []).append(
            f"manual scores given in the formgrader override the new automatic ones of {cells}: "
            "the gradebook and the score count the manual ones"
        )
    return recorded


def _apply_late_policy(report, policy, submission, recorded, writer, bar):
    r"""Add ``raw_score``, ``late_submission_penalty`` and the final ``score`` to ``report``.

    The raw score is the gradebook's notebook score when it was recorded (manual scores and
    extra credit count, as in stock nbgrader), else the automatic score.
    """
    raw = float(recorded["raw_score"]) if recorded else float(report.get("score", 0.0))
    report["raw_score"] = round(raw, 6)
    report["late_submission_penalty"] = 0.0
    if report.get("status") == "error" or policy is None or submission is None:
        return
    if submission.path is None:
        return
    try:
        late = policy.assess(
            report["student_id"], report["assignment_id"], submission.path.parent, raw
        )
    except ValueError as error:
        report.setdefault("notes", []).append(f"late policy not applied: {error}")
        return
    report["late_submission_penalty"] = round(late.penalty, 6)
    report["score"] = round(late.score, 6)
    if late.late:
        report["late"] = late.note
        report.setdefault("notes", []).append(late.note)
    if writer is not None and recorded:
        try:
            writer.set_late_penalty(report, late.nbgrader_penalty)
        except Exception as error:  # reported, the run goes on
            bar.write(f"ce-grade: warning: late penalty not stored: {error}", file=sys.stderr)


_ROW_KEY = ("student_id", "assignment_id", "notebook_id")


class SandboxUnavailable(RuntimeError):
    r"""The sandbox cannot work here: nothing was graded and nothing was written."""


def sandbox_limits(args, base=None):
    r"""Return the limits of this run: bubblewrap, or no isolation with ``--no-sandbox``."""
    from dataclasses import replace

    from autograder.sandbox.launcher import Limits

    base = base or Limits()
    return replace(base, isolation="none" if args.no_sandbox else "bubblewrap")


def check_sandbox(limits, lesson_ids):
    r"""Refuse to grade when the sandbox cannot work: bubblewrap missing or a self-test failing.

    Run before anything is graded or written, so that a machine without a working sandbox
    never turns a class into zeros.
    """
    from autograder.definitions import lesson_ids as known_lessons
    from autograder.definitions import view_for
    from autograder.sandbox.launcher import (
        BWRAP_MISSING,
        Limits,
        SandboxError,
        bubblewrap_path,
        self_test,
    )

    limits = limits or Limits()
    if limits.isolation == "bubblewrap" and bubblewrap_path() is None:
        raise SandboxUnavailable(BWRAP_MISSING)
    from autograder.sandbox import warm

    try:
        for lesson_id in sorted(set(lesson_ids) & set(known_lessons())):
            try:
                self_test(view_for(lesson_id), limits)
            except SandboxError as error:
                raise SandboxUnavailable(
                    f"the sandbox self-test of {lesson_id} failed, so nothing was graded: {error}"
                ) from None
    finally:
        # Workers start their own warm processes; these would only hold memory.
        warm.shutdown()


@contextlib.contextmanager
def exclusive_lock(path, what):
    r"""Hold an exclusive ``flock`` on ``path`` (it dies with this process); refuse if taken."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(
                f"ce-grade: error: another ce-grade run is writing {what} ({path.parent}); "
                "wait for it to finish"
            ) from None
        yield
    finally:
        handle.close()


def _not_isolated_warning():
    print(
        "ce-grade: WARNING: --no-sandbox: student code runs WITHOUT isolation; it can read "
        "and change anything this user can. Grade only notebooks you trust.",
        file=sys.stderr,
    )


def _exit_status(reports):
    r"""0 when every notebook was graded or failed; 1 when the grader failed on some."""
    from autograder.outputs.terminal import sanitize_terminal

    errors = [r for r in reports if r.get("status") == "error"]
    if not errors:
        return 0
    print(
        f"ce-grade: error: the grader failed on {len(errors)} notebook(s); they have no grade "
        "and are not in the gradebook. Rerun ce-grade to grade them:",
        file=sys.stderr,
    )
    for report in errors[:50]:
        who = "/".join(
            sanitize_terminal(report.get(key, "?"))
            for key in ("student_id", "assignment_id", "notebook_id")
        )
        print(f"  {who}: {sanitize_terminal(report.get('reason') or '')}", file=sys.stderr)
    return 1


def _cmd_autograde(args):
    from autograder.outputs import format_grade_table

    if args.out.exists() and not args.out.is_dir():
        raise SystemExit(
            f"ce-grade: error: --out: expected a folder, got the file {str(args.out)!r}."
        )
    course_root = _course_root(args)
    secret = _secret(args, course_root)
    if not args.quiet:
        _warn_public_secret(secret)
    if args.no_sandbox:
        _not_isolated_warning()
    from autograder.batch import ClusterUnavailable

    if args.group_readable:
        from autograder.outputs.atomic import current_umask

        os.umask(current_umask() & ~0o050)  # group may read (and enter folders)
    try:
        reports = run_autograde(
            args.submitted,
            args.out,
            secret=secret,
            jobs=args.jobs,
            scheduler=args.scheduler,
            course_root=course_root,
            gradebook=not args.no_gradebook,
            progress=not args.quiet,
            limits=sandbox_limits(args),
            resume=not args.no_resume,
        )
    except SandboxUnavailable as error:
        raise SystemExit(f"ce-grade: error: {error}") from None
    except ClusterUnavailable as error:
        raise SystemExit(f"ce-grade: error: the Dask cluster cannot grade: {error}") from None
    report_page = write_report_after_grading(args.out, course_root) if reports else None
    if not args.quiet:
        from autograder.outputs.terminal import format_attention

        print(format_grade_table(reports).splitlines()[-1])
        attention = format_attention(reports)
        if attention:
            print(attention)
        print(f"grades: {args.out / 'grades.csv'}")
        if report_page is not None:
            print(f"class report: {report_page}")
        if args.no_sandbox:
            _not_isolated_warning()
    return _exit_status(reports)


def _cmd_check(args):
    from autograder.grading import grade_notebook
    from autograder.outputs import format_report

    if not args.notebook.is_file():
        raise SystemExit(
            f"ce-grade: error: NOTEBOOK: expected a notebook file, got {str(args.notebook)!r}."
        )
    course_root = _course_root(args)
    secret = _secret(args, course_root)
    lesson_id = args.lesson
    if lesson_id is None and args.notebook.stem in _lesson_ids():
        lesson_id = args.notebook.stem
    from autograder.sandbox.launcher import bubblewrap_path

    limits = sandbox_limits(args)
    if limits.isolation == "bubblewrap" and bubblewrap_path() is None:
        # A learner checking their own notebook: no isolation needed, but say so.
        limits = sandbox_limits(argparse.Namespace(no_sandbox=True))
        print(
            "ce-grade: note: bubblewrap is not installed, so your notebook runs without "
            "isolation (fine for your own work).",
            file=sys.stderr,
        )
    report = grade_notebook(
        args.notebook, lesson_id=lesson_id, secret=secret, course_root=course_root, limits=limits
    )
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(format_report(report))
        if not report.get("tests") and lesson_id is None:
            print(f"hint: name the lesson with --lesson, one of {', '.join(_lesson_ids())}")
    return 1 if report.get("status") == "error" else 0


def _solution_lessons(course_root):
    return sorted(p.name for p in (course_root / "solutions").iterdir() if p.is_dir())


def _cmd_release(args):
    from autograder.gradebook import release_lessons

    course_root = _course_root(args)
    if course_root is None:
        raise SystemExit("ce-grade: error: no course root found; pass --course-root")
    if not (course_root / "solutions").is_dir():
        raise SystemExit(
            f"ce-grade: error: --course-root: expected a course folder holding solutions/, "
            f"got {str(course_root)!r}."
        )
    available = _solution_lessons(course_root)
    lessons = args.lessons or available
    unknown = [name for name in lessons if name not in available]
    if unknown:
        raise SystemExit(
            f"ce-grade: error: LESSON: expected one of {', '.join(available)}, got {unknown[0]!r}."
        )
    failed = []
    for lesson, error in release_lessons(course_root, lessons).items():
        if error:
            sys.stderr.write(f"{lesson}: {error}\n")
            failed.append(lesson)
        else:
            print(f"released {lesson} -> {course_root / 'notebooks' / lesson}")
    if failed:
        raise SystemExit(f"ce-grade: error: nbgrader could not release {', '.join(failed)}")
    return 0


def _release_drift(course_root, lessons):
    # Release into a scratch folder and compare with the committed student versions.
    from autograder.gradebook import release_lessons

    drifted = []
    with tempfile.TemporaryDirectory(prefix="ce-grade-demo-release-") as scratch:
        errors = release_lessons(course_root, lessons, release_directory=scratch)
        for lesson in lessons:
            if errors[lesson]:
                drifted.append(lesson)
                continue
            fresh, committed = Path(scratch) / lesson, course_root / "notebooks" / lesson
            comparison = filecmp.dircmp(fresh, committed) if committed.is_dir() else None
            if comparison is None or comparison.left_only or comparison.right_only:
                drifted.append(lesson)
                continue
            for name in comparison.common_files:
                if not filecmp.cmp(fresh / name, committed / name, shallow=False):
                    drifted.append(lesson)
                    break
    return drifted


def scratch_course(course_root, target):
    r"""Copy what grading reads of the course (config, lessons) into ``target``; return it.

    Nothing private is copied (no gradebook, secret, submissions or outputs): the copy gets
    its own gradebook when the demo records scores.
    """
    target = Path(target)
    target.mkdir(parents=True)
    shutil.copy(course_root / "nbgrader_config.py", target / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        if (course_root / folder).is_dir():
            shutil.copytree(
                course_root / folder,
                target / folder,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
            )
    return target


def _cmd_demo(args):
    from autograder.examples import example_class
    from autograder.outputs import format_grade_table

    course_root = _course_root(args)
    if course_root is None:
        raise SystemExit("ce-grade: error: no course root found; pass --course-root")
    start = time.perf_counter()
    if args.out.exists():
        shutil.rmtree(args.out)
    # The demo never touches the course's records: it releases and grades in a scratch copy
    # of the course (its own gradebook and autograded/) inside its output folder.
    scratch = scratch_course(course_root, args.out / "course")
    lessons = _solution_lessons(scratch) if (scratch / "solutions").is_dir() else []
    print(f"releasing {len(lessons)} lessons with nbgrader generate_assignment ...", flush=True)
    drifted = _release_drift(scratch, lessons)
    if drifted:
        print(
            f"notebooks/ differs from a fresh release for: {', '.join(drifted)} "
            "(run `ce-grade release`)"
        )
    else:
        print("notebooks/ matches a fresh release of solutions/")
    # The example class's expected outcomes are written for its own secret and limits.
    secret = _secret(args, course_root) if args.secret_file else example_class.EXAMPLE_SECRET
    from autograder.sandbox.launcher import bubblewrap_path

    example = EXAMPLE_CLASS
    if not args.no_sandbox and bubblewrap_path() is None:
        # A first look on a machine without bubblewrap: the attacks need the sandbox (they
        # would run against this machine), the honest and mistaken notebooks do not.
        example = args.out / "class-without-attacks"
        kept = [p for p in sorted(EXAMPLE_CLASS.iterdir()) if not p.name.startswith("attack_")]
        for student in kept:
            shutil.copytree(student, example / student.name)
        print(
            "bubblewrap is not installed, so student code cannot be isolated here "
            "(apt-get install bubblewrap). The demo skips the attack submissions and grades "
            f"the other {len(kept)} WITHOUT isolation.",
            flush=True,
        )
        args.no_sandbox = True
    print(f"grading the example class {example} with --jobs {args.jobs} ...", flush=True)
    if args.no_sandbox:
        _not_isolated_warning()
    try:
        reports = run_autograde(
            example,
            args.out / "grades",
            secret=secret,
            jobs=args.jobs,
            course_root=scratch,
            gradebook=not args.no_gradebook,
            limits=sandbox_limits(args, example_class.example_limits()),
        )
    except SandboxUnavailable as error:
        raise SystemExit(f"ce-grade: error: {error}") from None
    print()
    print(format_grade_table(reports))
    report_page = write_report_after_grading(args.out / "grades", scratch)
    if report_page is not None:
        print(f"class report: {report_page}")
    expected = example_class.expected_outcomes()
    differences = {
        r["student_id"]: example_class.outcome_differences(r, expected[r["student_id"]])
        for r in reports
        if r["student_id"] in expected
    }
    matching = sum(not found for found in differences.values())
    print(
        f"expected outcomes (examples/class/expected.json): {matching} of "
        f"{len(differences)} students match"
    )
    for student, found in sorted(differences.items()):
        if found:
            print(f"  {student}: {'; '.join(found)}")
    isolation = sorted({str(r.get("isolation")) for r in reports})
    print(
        f"isolation: {', '.join(isolation)}; outputs in {args.out / 'grades'} (a scratch "
        f"course in {args.out / 'course'}); "
        f"{time.perf_counter() - start:.1f} s in total"
    )
    return _exit_status(reports)


def _cmd_report(args):
    from autograder import class_report

    return class_report.run(args)


def write_report_after_grading(out, course_root):
    r"""Write the class report at the end of ``autograde``; a failure there loses no grade."""
    from autograder import class_report

    try:
        return class_report.write_class_report(out, course_root=course_root)
    except Exception as error:  # grades are written; the report is extra
        print(f"ce-grade: warning: the class report was not written: {error}", file=sys.stderr)
        return None


def main(argv=None):
    """Entry point of ``ce-grade``; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="ce-grade: %(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    handlers = {
        "autograde": _cmd_autograde,
        "check": _cmd_check,
        "release": _cmd_release,
        "demo": _cmd_demo,
        "report": _cmd_report,
    }
    try:
        return handlers[args.command](args)
    except OSError as error:
        # A full disk or a read-only output folder: every report written so far is kept.
        raise SystemExit(f"ce-grade: error: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
