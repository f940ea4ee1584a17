"""Every submission finds its lesson and exactly one row (autograder.matching).

Submissions are made in temporary folders from the course's real student versions in
``notebooks/``; nothing is graded here, so every test takes milliseconds.
"""

import contextlib
import difflib
import itertools
import json
import os
import signal
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder import definitions, matching
from autograder.matching import (
    LAYOUT,
    TYPO_THRESHOLD,
    Lessons,
    check_layout,
    match_assignment,
    match_class,
    show_name,
)

ROOT = Path(__file__).resolve().parents[2]
L1, L2, L3 = "lesson1_softmax_loss", "lesson2_sympy_gradient", "lesson3_implement"
L6 = "lesson6_beyond_one_hot"
EXAMPLE_CLASS = ROOT / "autograder" / "examples" / "class" / "submitted"
LESSONS = Lessons.from_course(ROOT)


def student_version(lesson):
    return (ROOT / "notebooks" / lesson / f"{lesson}.ipynb").read_bytes()


NOTEBOOK = {lesson: student_version(lesson) for lesson in LESSONS.ids}


def put(folder, name, content=None, *, lesson=L3):
    """Write ``name`` in ``folder``: the student version of ``lesson`` unless given bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    data = NOTEBOOK[lesson] if content is None else content
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    return folder / name


def edited(lesson, marker):
    """The student version of ``lesson`` with different bytes (a student's own work)."""
    notebook = json.loads(NOTEBOOK[lesson])
    notebook["metadata"]["marker"] = marker
    return json.dumps(notebook).encode()


def printable(text):
    return all(ch.isprintable() or ch == " " for ch in text)


@pytest.fixture
def folder(tmp_path):
    """An assignment folder of lesson 3 of the student ada (not yet created)."""
    return tmp_path / "submitted" / "ada" / L3


# --- The course's lessons ---------------------------------------------------------------------


def test_lessons_are_the_solution_folders_and_their_grade_ids():
    assert LESSONS.ids == tuple(sorted(p.name for p in (ROOT / "solutions").iterdir()))
    for lesson in LESSONS.ids:
        tests = {test.id for test in definitions.tests_for_lesson(lesson)}
        assert tests <= LESSONS.cell_ids[lesson]
        assert LESSONS.lesson_of_cells(matching._grade_ids(NOTEBOOK[lesson])) == lesson


def test_the_course_ids_are_far_apart_so_a_typo_names_one_lesson():
    normalised = [matching._normalise(lesson) for lesson in LESSONS.ids]
    closest = max(
        difflib.SequenceMatcher(None, a, b).ratio()
        for a, b in itertools.combinations(normalised, 2)
    )
    assert closest < 0.7 < TYPO_THRESHOLD


@pytest.mark.parametrize(
    "name, kind",
    [
        (L3, "exact"),
        ("Lesson3_Implement", "case"),
        (f"{L3}-Copy1", "copy"),
        (f"{L3}-Copy12", "copy"),
        (f"{L3} (1)", "copy"),
        ("lesson3-implement", "variant"),
        ("lesson 3 implement", "variant"),
        ("lesson3_implment", "typo"),
        ("lesson3_implemnet", "typo"),
        ("Lesson3", "short"),
        ("LESSON_3", "short"),
    ],
)
def test_names_that_designate_lesson_3(name, kind):
    found = LESSONS.lesson_of_name(name)
    assert (found.lesson_id, found.kind) == (L3, kind)


@pytest.mark.parametrize("name", ["lesson", "homework", "", "lesson3_impl_old_version", "=1+1"])
def test_names_that_designate_no_lesson(name):
    assert LESSONS.lesson_of_name(name) is None


def test_two_lessons_equally_close_designate_none():
    lessons = Lessons({"lesson1_a": frozenset(), "lesson1_b": frozenset()})
    assert lessons.lesson_of_name("lesson1") is None  # the short name of both
    assert lessons.lesson_of_name("lesson1_a").kind == "exact"


def test_cells_of_several_lessons_name_the_majority_or_none():
    assert LESSONS.lesson_of_cells(["l3_softmax", "l3_cross_entropy", "l2_loss_k3"]) == L3
    assert LESSONS.lesson_of_cells(["l3_softmax", "l2_loss_k3"]) is None
    assert LESSONS.lesson_of_cells(["not-a-cell"]) is None


@pytest.mark.parametrize(
    "value, message",
    [
        (["lesson1"], "cell_ids: expected a mapping of lesson ids to grade ids, got list."),
        ({"": []}, "cell_ids: expected lesson ids as keys, got ''."),
        ({"lesson1": "l1"}, "cell_ids\\['lesson1'\\]: expected a set of ids, got 'l1'."),
    ],
)
def test_bad_lessons_are_named(value, message):
    with pytest.raises(ValueError, match=message):
        Lessons(value)


def test_a_course_without_solutions_is_named(tmp_path):
    with pytest.raises(ValueError, match="course_root: expected a course folder holding"):
        Lessons.from_course(tmp_path)


# --- One assignment folder ---------------------------------------------------------------------


def test_the_expected_notebook_is_graded_without_a_note(folder):
    path = put(folder, f"{L3}.ipynb")
    put(folder, "timestamp.txt", "2024-03-01 17:00:00 UTC")
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook, found.note, found.reason) == ("exact", path, "", None)
    assert found.gradable and found.student_id == "ada" and found.assignment_id == L3
    assert [entry.name for entry in found.found] == [f"{L3}.ipynb"]  # timestamp.txt skipped


@pytest.mark.parametrize(
    "name, phrase",
    [
        (f"{L3}-Copy1.ipynb", "a Jupyter copy, with lesson3_implement's cells"),
        (f"{L3} (2).ipynb", "a Jupyter copy"),
        ("Lesson3_Implement.ipynb", "the expected name in other letter case"),
        (f"{L3}.IPYNB", "the expected name in other letter case"),
        ("lesson3_implment.ipynb", "a name close to the expected one"),
        ("my homework.ipynb", "with lesson3_implement's cells"),
    ],
)
def test_one_candidate_is_graded_with_a_note(folder, name, phrase):
    path = put(folder, name)
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook, found.reason) == ("resolved", path, None)
    assert found.note.startswith(f"graded {show_name(name)} (")
    assert found.note.endswith(f"); '{L3}.ipynb' was not found")
    assert phrase in found.note


def test_a_name_variant_without_cells_is_still_a_candidate(folder):
    path = put(folder, f"{L3}-Copy1.ipynb", "this is not JSON")
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("resolved", path)
    assert "a Jupyter copy, not a readable notebook" in found.note


def test_another_lessons_notebook_under_this_name_is_named_not_graded(folder):
    put(folder, f"{L3}.ipynb", lesson=L2)
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook, found.gradable) == ("missing", None, False)
    assert found.reason == found.note
    assert found.note == (
        f"no notebook of {L3} submitted: expected '{L3}.ipynb' with {L3}'s cells; "
        f"'{L3}.ipynb' is {L2}'s notebook (its cells l2-title, l2-k3-idea, l2-loss-solution, ...)"
    )


def test_another_lessons_notebook_beside_the_right_copy(folder):
    put(folder, f"{L3}.ipynb", lesson=L2)
    copy = put(folder, f"{L3}-Copy1.ipynb")
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("resolved", copy)
    assert f"'{L3}.ipynb' is {L2}'s notebook" in found.note


def test_several_candidates_fail_and_are_listed(folder):
    put(folder, f"{L3}-Copy1.ipynb", edited(L3, 1))
    put(folder, f"{L3}-Copy2.ipynb", edited(L3, 2))
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook, found.gradable) == ("ambiguous", None, False)
    assert found.candidates == (f"{L3}-Copy1.ipynb", f"{L3}-Copy2.ipynb")
    assert found.note.startswith(f"not graded: several notebooks could be {L3}'s: ")
    assert f"'{L3}-Copy1.ipynb' (a Jupyter copy" in found.note
    assert f"'{L3}-Copy2.ipynb' (a Jupyter copy" in found.note
    assert found.note.endswith(f"keep one, named '{L3}.ipynb', and grade again")


def test_identical_copies_count_once(folder):
    put(folder, f"{L3}-Copy1.ipynb")
    put(folder, f"{L3} (1).ipynb")
    found = match_assignment(folder, LESSONS)
    assert found.outcome == "resolved"
    assert "(1 identical copies ignored)" in found.note


def test_the_expected_name_wins_over_copies_which_the_note_names(folder):
    path = put(folder, f"{L3}.ipynb", edited(L3, 0))
    put(folder, f"{L3}-Copy1.ipynb", edited(L3, 1))
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("exact", path)
    assert found.note == (
        f"graded '{L3}.ipynb'; also found '{L3}-Copy1.ipynb' (with {L3}'s cells), not graded"
    )


def test_an_expected_name_without_cells_does_not_hide_a_real_notebook(folder):
    put(folder, f"{L3}.ipynb", "uploaded text")
    put(folder, f"{L3}-Copy1.ipynb")
    found = match_assignment(folder, LESSONS)
    assert found.outcome == "ambiguous"
    assert f"'{L3}.ipynb' (not a readable notebook)" in found.note


def test_the_expected_name_without_cells_alone_is_graded(folder):
    # The example class's not_a_notebook student: the grader says what it is.
    path = put(folder, f"{L3}.ipynb", "This file was uploaded in place of the notebook.")
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("exact", path)


def test_a_notebook_too_large_to_read_is_still_graded_by_its_name(folder, monkeypatch):
    monkeypatch.setattr(matching, "MAX_NOTEBOOK_BYTES", 100)
    path = put(folder, f"{L3}-Copy1.ipynb")  # the grader refuses it and says why
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("resolved", path)
    assert "(a Jupyter copy, larger than 0 MiB)" in found.note


@pytest.mark.parametrize(
    "files, listing",
    [
        ({}, "found nothing"),
        ({"notes.txt": "hi"}, "found 'notes.txt' (not a notebook)"),
        ({"answers.ipynb": "{}"}, "found 'answers.ipynb' (not a readable notebook)"),
        (
            {"empty.ipynb": json.dumps({"cells": []})},
            "found 'empty.ipynb' (no cells of any lesson)",
        ),
    ],
)
def test_nothing_to_grade_says_what_was_expected_and_found(folder, files, listing):
    folder.mkdir(parents=True)
    for name, content in files.items():
        put(folder, name, content)
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("missing", None)
    assert found.note == (
        f"no notebook of {L3} submitted: expected '{L3}.ipynb' with {L3}'s cells; {listing}"
    )


def test_a_long_listing_is_cut(folder):
    for index in range(12):
        put(folder, f"file{index:02d}.txt", "x")
    note = match_assignment(folder, LESSONS).note
    assert "'file07.txt' (not a notebook), and 4 more" in note and "file08" not in note


# --- Folder names ---------------------------------------------------------------------------


def test_a_folder_named_by_the_lesson_number_is_recognised_by_its_cells(tmp_path):
    folder = tmp_path / "ada" / "Lesson3"
    path = put(folder, f"{L3}.ipynb")
    found = match_assignment(folder, LESSONS)
    assert (found.lesson_id, found.outcome, found.notebook) == (L3, "resolved", path)
    assert found.note == (
        f"the folder 'Lesson3' is taken as {L3} (the lesson's short name and its notebook's "
        f"cells); graded '{L3}.ipynb'"
    )


def test_a_folder_with_a_typo_is_its_lesson_even_when_empty(tmp_path):
    folder = tmp_path / "ada" / "lesson3_implment"
    folder.mkdir(parents=True)
    found = match_assignment(folder, LESSONS)
    assert (found.lesson_id, found.outcome) == (L3, "missing")
    assert found.note.startswith(
        f"the folder 'lesson3_implment' is taken as {L3} (a name close to the expected one); "
        f"no notebook of {L3} submitted"
    )


def test_a_folder_of_any_name_is_the_lesson_its_notebook_carries(tmp_path):
    folder = tmp_path / "ada" / "week 2"
    path = put(folder, "mine.ipynb", lesson=L2)
    found = match_assignment(folder, LESSONS)
    assert (found.lesson_id, found.notebook) == (L2, path)
    assert found.note.startswith(f"the folder 'week 2' is taken as {L2} (its notebook's cells)")


def test_a_folder_whose_name_and_cells_disagree_is_not_graded(tmp_path):
    folder = tmp_path / "ada" / "Lesson3"
    put(folder, "mine.ipynb", lesson=L2)
    found = match_assignment(folder, LESSONS)
    assert (found.lesson_id, found.outcome, found.assignment_id) == (None, "ambiguous", "Lesson3")
    assert found.note == (
        f"not graded: the folder 'Lesson3' could be {L2} or {L3} (by its name and its "
        "notebook's cells); rename it to the lesson id"
    )


def test_a_folder_of_no_lesson_is_unknown(tmp_path):
    folder = tmp_path / "ada" / "homework"
    put(folder, "x.txt", "x")
    found = match_assignment(folder, LESSONS)
    assert (found.lesson_id, found.outcome, found.assignment_id) == (None, "unknown", "homework")
    assert found.note.startswith("not graded: the folder 'homework' is not a lesson of this course")
    assert L6 in found.note and found.note.endswith("found 'x.txt' (not a notebook)")


@pytest.mark.parametrize("kind", ["missing", "file", "symlink"])
def test_match_assignment_needs_a_real_folder(tmp_path, kind):
    path = tmp_path / "ada" / L3
    path.parent.mkdir()
    if kind == "file":
        path.write_text("x")
    elif kind == "symlink":
        (tmp_path / "elsewhere").mkdir()
        path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="folder: expected an assignment folder") as raised:
        match_assignment(path, LESSONS)
    assert repr(str(path)) in str(raised.value) and LAYOUT in str(raised.value)
    with pytest.raises(ValueError, match=r"lessons: expected a Lessons, got dict\."):
        match_assignment(tmp_path, {L3: []})


# --- Links, FIFOs and hostile names ---------------------------------------------------------


@contextlib.contextmanager
def opened_paths(monkeypatch):
    """Record every path os.open receives; fail after 10 s rather than hang on a FIFO."""
    seen = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        seen.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    def stop(signum, frame):
        raise TimeoutError("blocked: a FIFO was opened")

    monkeypatch.setattr(os, "open", spy)
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    try:
        yield seen
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_links_and_fifos_are_named_never_followed_or_opened(folder, tmp_path, monkeypatch):
    secret = put(tmp_path / "course", "solution.ipynb", lesson=L3)
    folder.mkdir(parents=True)
    (folder / f"{L3}.ipynb").symlink_to(secret)
    os.mkfifo(folder / f"{L3}-Copy1.ipynb")
    (folder / "timestamp.txt").symlink_to(secret)
    with opened_paths(monkeypatch) as seen:
        found = match_assignment(folder, LESSONS)
    assert seen == []
    assert (found.outcome, found.notebook) == ("missing", None)
    assert found.note.endswith(
        f"found '{L3}-Copy1.ipynb' (a FIFO, not opened), "
        f"'{L3}.ipynb' (a symbolic link, not followed)"
    )


def test_links_in_the_class_are_reported_not_followed(tmp_path, monkeypatch):
    submitted = tmp_path / "submitted"
    put(submitted / "ada" / L3, f"{L3}.ipynb")
    elsewhere = tmp_path / "elsewhere"
    put(elsewhere / L3, f"{L3}.ipynb")
    (submitted / "bob").mkdir()
    (submitted / "bob" / L3).symlink_to(elsewhere / L3)  # a linked assignment folder
    (submitted / "cy").symlink_to(elsewhere)  # a linked student folder
    with opened_paths(monkeypatch) as seen:
        rows = match_class(submitted, LESSONS)
        warnings = check_layout(submitted, LESSONS)
    assert seen and all(path.startswith(str(submitted / "ada")) for path in seen)
    assert [(r.student_id, r.assignment_id, r.outcome) for r in rows] == [
        ("ada", L3, "exact"),
        ("bob", L3, "missing"),
    ]
    assert (
        rows[1].note
        == f"not graded: '{L3}' (a symbolic link, not followed) in the student's folder"
    )
    assert warnings == [
        "'bob' holds no assignment folder: not graded",
        "'cy' is a symbolic link: not followed",
    ]


HOSTILE = [
    '=HYPERLINK("evil","y").ipynb',
    "+cmd|' C calc'!A0.ipynb",
    "a\x1b[31mred\x1b[0m.ipynb",
    "new\nline.ipynb",
    "tab\there.txt",
    "right\u202eleft.ipynb",
    "bell\x07.ipynb",
    "bad-\udcff-utf8.ipynb",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_quoted_and_escaped(folder, name):
    put(folder, name, "not a notebook")
    found = match_assignment(folder, LESSONS)
    assert found.outcome == "missing"
    assert printable(found.note)
    assert repr(name) in found.note
    assert found.note[0] not in "=+-@"


def test_a_hostile_name_with_the_lessons_cells_is_graded_by_its_real_path(folder):
    name = "=cmd|\x1b.ipynb"
    path = put(folder, name)
    found = match_assignment(folder, LESSONS)
    assert (found.outcome, found.notebook) == ("resolved", path)
    assert found.note.startswith("graded '=cmd|\\x1b.ipynb' (with lesson3_implement's cells)")


# --- The class --------------------------------------------------------------------------------


def test_the_example_class_matches_exactly():
    rows = match_class(EXAMPLE_CLASS, LESSONS)
    assert len(rows) == len([p for p in EXAMPLE_CLASS.iterdir() if p.is_dir()])
    assert {(r.assignment_id, r.outcome, r.note) for r in rows} == {(L3, "exact", "")}


def test_two_folders_of_one_lesson_give_one_row(tmp_path):
    submitted = tmp_path / "submitted"
    put(submitted / "ada" / L3, f"{L3}.ipynb")
    put(submitted / "ada" / "Lesson3", f"{L3}.ipynb")
    put(submitted / "bob" / "Lesson3", f"{L3}.ipynb", edited(L3, 1))
    put(submitted / "bob" / "lesson3-implement", f"{L3}.ipynb", edited(L3, 2))
    put(submitted / "cy" / L3, "notes.txt", "x")
    put(submitted / "cy" / "Lesson3", "mine.ipynb")
    rows = {r.student_id: r for r in match_class(submitted, LESSONS)}
    assert len(rows) == 3
    assert rows["ada"].notebook == submitted / "ada" / L3 / f"{L3}.ipynb"
    assert rows["ada"].note == f"also found the folder 'Lesson3' for {L3}, not graded"
    assert rows["bob"].outcome == "ambiguous" and rows["bob"].notebook is None
    assert rows["bob"].note == (
        f"not graded: the folders 'Lesson3', 'lesson3-implement' each hold a notebook of {L3}; "
        f"keep one, named '{L3}', and grade again"
    )
    assert rows["cy"].notebook == submitted / "cy" / "Lesson3" / "mine.ipynb"
    assert rows["cy"].note.endswith(f"also found the folder '{L3}' for {L3}, not graded")


def test_a_notebook_directly_in_a_students_folder_is_reported(tmp_path):
    submitted = tmp_path / "submitted"
    put(submitted / "ada" / L2, f"{L2}.ipynb", lesson=L2)
    put(submitted / "ada", f"{L3}.ipynb")
    put(submitted / "ada", "readme.txt", "x")
    rows = match_class(submitted, LESSONS)
    assert [(r.assignment_id, r.outcome) for r in rows] == [(L2, "exact"), (L3, "missing")]
    assert rows[1].note == (
        f"not graded: found '{L3}.ipynb' (with {L3}'s cells) directly in the student's folder; "
        f"expected it at SUBMITTED/{{student_id}}/{L3}/{L3}.ipynb"
    )


# --- The layout -------------------------------------------------------------------------------


@pytest.fixture
def submitted(tmp_path):
    path = tmp_path / "submitted"
    put(path / "ada" / L3, f"{L3}.ipynb")
    put(path / "ada" / L1, f"{L1}.ipynb", lesson=L1)
    put(path / "bob" / L3, f"{L3}.ipynb")
    return path


def test_the_right_level_passes(submitted):
    assert check_layout(submitted, LESSONS) == []
    put(submitted, "notes.txt", "x")
    (submitted / "carl").mkdir()
    assert check_layout(submitted) == [
        "'carl' holds no assignment folder: not graded",
        "'notes.txt' is a file beside the student folders: not graded",
    ]


@pytest.mark.parametrize(
    "where, lessons, what",
    [
        ("ada", LESSONS, "looks like one student's folder: its folders are lessons"),
        ("ada", None, "has folders that hold notebooks directly ('lesson1_softmax_loss', "),
        ("ada/lesson3_implement", LESSONS, "holds notebooks directly ('lesson3_implement.ipynb')"),
        ("missing", LESSONS, "does not exist"),
        ("ada/lesson3_implement/lesson3_implement.ipynb", LESSONS, "is not a folder"),
        ("empty", LESSONS, "holds no student folder with an assignment folder"),
        ("course", LESSONS, "is a course folder (it holds nbgrader_config.py)"),
    ],
)
def test_a_wrong_level_is_an_error_stating_the_layout(submitted, where, lessons, what):
    (submitted / "empty").mkdir()
    (submitted / "course").mkdir()
    put(submitted / "course", "nbgrader_config.py", "c = get_config()")
    path = submitted / where
    with pytest.raises(ValueError) as raised:
        check_layout(path, lessons)
    message = str(raised.value)
    assert message.startswith(
        f"submitted: expected nbgrader's submitted folder, laid out as {LAYOUT}"
    )
    assert "submitted/ada/lesson3_implement/lesson3_implement.ipynb" in message
    assert f"got {str(path)!r}, which {what}" in message
    with pytest.raises(ValueError):
        match_class(path, LESSONS)


# --- Properties -------------------------------------------------------------------------------

lesson_ids = st.sampled_from(LESSONS.ids)


def swap_case(text, flips):
    return "".join(ch.swapcase() if flip else ch for ch, flip in zip(text, flips, strict=False))


@given(lesson_ids, st.integers(1, 99), st.lists(st.booleans(), min_size=30, max_size=30))
def test_any_copy_in_any_case_designates_its_lesson(lesson, number, flips):
    for name in (f"{lesson}-Copy{number}", f"{lesson} ({number})"):
        found = LESSONS.lesson_of_name(swap_case(name, flips))
        assert found is not None and found.lesson_id == lesson


@given(lesson_ids, st.data())
def test_one_wrong_character_designates_its_lesson(lesson, data):
    position = data.draw(st.integers(0, len(lesson) - 1))
    letter = data.draw(st.sampled_from(string.ascii_lowercase + string.digits))
    how = data.draw(st.sampled_from(["replace", "insert", "delete"]))
    if how == "replace":
        name = lesson[:position] + letter + lesson[position + 1 :]
    elif how == "insert":
        name = lesson[:position] + letter + lesson[position:]
    else:
        name = lesson[:position] + lesson[position + 1 :]
    found = LESSONS.lesson_of_name(name)
    assert found is not None and found.lesson_id == lesson
    assert found.kind in ("exact", "case", "variant", "typo")


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=24,
).filter(lambda name: name not in (".", "..") and len(os.fsencode(name)) < 200)


@given(names)
def test_any_name_is_shown_printable_and_quoted(name):
    shown = show_name(name)
    assert printable(shown) and shown[0] in "'\"" and shown[-1] == shown[0]
    LESSONS.lesson_of_name(name)  # never raises


# What a student's folder may hold: the lesson's notebook under variant names, another
# lesson's notebook, junk, and hostile names.
entry_names = st.one_of(
    st.sampled_from(
        [f"{L3}.ipynb", f"{L3}-Copy1.ipynb", f"{L3} (1).ipynb", "Lesson3_implement.ipynb"]
    ),
    names.map(lambda name: name.lstrip(".") + ".ipynb"),
    names,
).filter(lambda name: not name.startswith(".") and name not in matching.NBGRADER_FILES)
contents = st.sampled_from(["l3", "l3-edited", "l2", "junk", "empty"])
DATA = {
    "l3": NOTEBOOK[L3],
    "l3-edited": edited(L3, "x"),
    "l2": NOTEBOOK[L2],
    "junk": b"junk",
    "empty": b"",
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(entry_names, contents, max_size=4), st.sampled_from([L3, "Lesson3"]))
def test_the_rules_hold_for_any_folder(files, folder_name):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "ada" / folder_name
        folder.mkdir(parents=True)
        for name, content in files.items():
            (folder / name).write_bytes(DATA[content])
        found = match_assignment(folder, LESSONS)
        assert printable(found.note) and (not found.note or found.note[0] not in "=+-@")
        assert found.outcome in ("exact", "resolved", "ambiguous", "missing", "unknown")
        if found.gradable:
            # What is graded is one of the files, never another lesson's notebook.
            assert found.notebook.parent == folder and found.notebook.name in files
            assert files[found.notebook.name] != "l2"
            if found.outcome == "resolved":
                assert found.note
        else:
            assert found.notebook is None and found.reason == found.note != ""
        if found.outcome == "ambiguous" and found.lesson_id is not None:
            assert len(found.candidates) >= 2
            assert all(repr(name) in found.note for name in found.candidates)
        right = {
            name
            for name, content in files.items()
            if content.startswith("l3") and name.casefold().endswith(".ipynb")
        }
        if len(right) == 1 and found.lesson_id == L3:
            # The one notebook with the lesson's cells is always found (only *.ipynb files
            # are notebooks, as for nbgrader).
            assert found.gradable or found.outcome == "ambiguous"
        if found.outcome == "missing":
            for name in files:
                assert repr(name) in found.note


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["ada", "bob", "=cy", "d\x1be"]),
        st.lists(st.sampled_from([L3, "Lesson3", "lesson3-implement", L2, "x"]), max_size=3),
        min_size=1,
        max_size=3,
    )
)
def test_the_class_has_one_row_per_student_and_lesson(folders):
    with tempfile.TemporaryDirectory() as scratch:
        submitted = Path(scratch) / "submitted"
        for student, names in folders.items():
            (submitted / student).mkdir(parents=True)
            for name in names:
                lesson = L2 if name == L2 else L3
                put(submitted / student / name, f"{lesson}.ipynb", edited(lesson, name))
        if not any(folders.values()):
            with pytest.raises(ValueError):
                match_class(submitted, LESSONS)
            return
        rows = match_class(submitted, LESSONS)
        keys = [(row.student_id, row.assignment_id) for row in rows]
        assert len(keys) == len(set(keys))
        for row in rows:
            assert printable(row.note)
            if row.gradable:
                assert row.notebook.is_file() and row.lesson_id is not None


def test_printable_check_catches_control_characters():
    assert not printable("a\x1bb") and not printable("\u202e") and printable("é ü")


def test_read_regular_file_names_what_it_refuses(tmp_path):
    from autograder.regular_files import read_regular_file

    path = tmp_path / "a.txt"
    path.write_text("hello")
    with pytest.raises(ValueError) as raised:
        read_regular_file(path, max_bytes=3)
    assert str(raised.value) == (
        f"path: expected a file of at most 3 bytes, got {str(path)!r}, of 5 bytes."
    )
    with pytest.raises(ValueError) as raised:
        read_regular_file(tmp_path, max_bytes=3)
    assert str(raised.value) == f"path: expected a regular file, got {str(tmp_path)!r}, a folder."
    with pytest.raises(ValueError, match=r"max_bytes: expected an integer >= 0, got -1\."):
        read_regular_file(path, max_bytes=-1)
