r"""Every submission finds its lesson and exactly one row.

nbgrader's layout is ``SUBMITTED/{student_id}/{assignment_id}/{notebook_id}.ipynb``; in this
course an assignment is a lesson and holds one notebook named after it. Students hand in
what they have, though: Jupyter's ``lesson3_implement-Copy1.ipynb``, ``Lesson3_Implement``,
``lesson3_implment``, a folder named ``Lesson3``, or another lesson's notebook under this
lesson's name. This module decides, for each assignment folder, which lesson it is and which
file (if any) to grade, and says so in one sentence.

A lesson is recognised by its **name** (its id: the folder names of ``solutions/``) and by its
**cells** (the nbgrader ``grade_id`` of the cells of ``solutions/{lesson}/{lesson}.ipynb``,
which the student version keeps). Names are compared after Jupyter's copy suffix is removed,
case is ignored and separators are dropped; a remaining difference counts as a typo when
:class:`difflib.SequenceMatcher` finds the names at least :data:`TYPO_THRESHOLD` similar and
no other lesson is as close (the course's own ids are at most 0.62 similar to each other).

The rules, for one assignment folder of lesson ``L``:

1. ``L.ipynb`` is graded when it carries ``L``'s cells, or no lesson's cells while no other
   notebook carries ``L``'s; other look-alikes are then named in the note, not graded.
2. Otherwise the candidates are the notebooks carrying ``L``'s cells, and the notebooks
   without any lesson's cells whose name is a copy, case, separator or typo variant of
   ``L.ipynb``; byte-identical candidates count once. Exactly one candidate: it is graded
   and the note says what was found and graded. Several: nothing is graded (the row is
   ``failed``) and the note lists them; none is ever picked silently. None: the note says
   what was expected and what was found (for instance ``L.ipynb`` being another lesson's
   notebook, named by its cells).
3. A folder that is not a lesson id is taken as the lesson its name is a variant of, or the
   lesson whose cells its notebooks carry, when exactly one lesson fits; several folders of
   one student resolving to the same lesson give one row.

Entries are examined with :func:`os.lstat`: symbolic links, FIFOs and other special files are
named in notes but never followed or opened. Names are shown with :func:`repr`, so control
characters are escaped and no note starts with a student's text (``=cmd`` stays quoted).

Examples
--------
>>> lessons = Lessons({"lesson3_implement": frozenset({"l3_softmax"}),
...                    "lesson2_sympy_gradient": frozenset({"l2_loss_k3"})})
>>> lessons.lesson_of_name("lesson3_implement-Copy1")
NameMatch(lesson_id='lesson3_implement', kind='copy', similarity=1.0)
>>> lessons.lesson_of_name("Lesson3").kind
'short'
>>> lessons.lesson_of_cells(["l2_loss_k3", "unrelated"])
'lesson2_sympy_gradient'
"""

import difflib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.regular_files import kind_of_mode, read_regular_file

__all__ = [
    "LAYOUT",
    "MAX_NOTEBOOK_BYTES",
    "TYPO_THRESHOLD",
    "Entry",
    "Lessons",
    "Match",
    "NameMatch",
    "check_layout",
    "match_assignment",
    "match_class",
    "scan_folder",
    "show_name",
]

#: Lowest :class:`difflib.SequenceMatcher` ratio between a normalised name and a normalised
#: lesson id for the name to count as a typo of it: one or two characters wrong, missing or
#: extra in ids of 15 to 24 characters (one wrong character in ``lesson3implement`` gives
#: 0.94, two give 0.88), far above the 0.62 of the closest two lessons of the course.
TYPO_THRESHOLD = 0.85

#: Notebooks larger than this are not read (the grader refuses them too).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

#: nbgrader's own files in a submitted assignment folder: never a candidate, never listed.
NBGRADER_FILES = frozenset({"timestamp.txt", "submission_secret.txt"})

#: The layout the submitted folder must have, as error messages state it.
LAYOUT = "SUBMITTED/{student_id}/{assignment_id}/{notebook_id}.ipynb"

_COPY_SUFFIX = re.compile(r"(?:-copy\d*|\s*\(\d+\))$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_NAME_RANKS = ("exact", "case", "copy", "variant", "typo", "short")
_NAME_PHRASES = {
    "exact": "",
    "case": "the expected name in other letter case",
    "copy": "a Jupyter copy",
    "variant": "the expected name with other separators",
    "typo": "a name close to the expected one",
    "short": "the lesson's short name",
}
_LISTED = 8  # entries named in one note at most


def show_name(name):
    r"""Quote a file or folder name for a note: control characters escaped, never bare.

    Examples
    --------
    >>> show_name("=HYPERLINK(1)"), show_name("a\x1b[31mb")
    ("'=HYPERLINK(1)'", "'a\\x1b[31mb'")
    """
    return repr(str(name))


def _normalise(name):
    # Case, Jupyter's "-Copy1" and download duplicates "(1)", and separators do not count.
    text = str(name).casefold().strip()
    previous = None
    while previous != text:
        previous, text = text, _COPY_SUFFIX.sub("", text).strip()
    return _NOT_ALNUM.sub("", text)


def _short_name(lesson_id):
    # "lesson3_implement" -> "lesson3": what students write for the lesson's number.
    return _normalise(lesson_id.split("_", 1)[0])


@dataclass(frozen=True)
class NameMatch:
    r"""How a name points at a lesson.

    Attributes
    ----------
    lesson_id : str
    kind : str
        ``"exact"``, ``"case"`` (other letter case), ``"copy"`` (Jupyter's ``-Copy1`` or a
        download's ``(1)``), ``"variant"`` (other separators), ``"typo"`` (similar enough)
        or ``"short"`` (the lesson's number alone, ``Lesson3``).
    similarity : float
        The :class:`difflib.SequenceMatcher` ratio of the normalised names.
    """

    lesson_id: str
    kind: str
    similarity: float


def _name_kind(name, lesson_id):
    if name == lesson_id:
        return "exact", 1.0
    if name.casefold() == lesson_id.casefold():
        return "case", 1.0
    normalised, target = _normalise(name), _normalise(lesson_id)
    if not normalised:
        return None, 0.0
    if normalised == target:
        stripped = _COPY_SUFFIX.sub("", name.casefold().strip())
        copied = stripped != name.casefold().strip()
        return ("copy" if copied else "variant"), 1.0
    similarity = difflib.SequenceMatcher(None, normalised, target, autojunk=False).ratio()
    if similarity >= TYPO_THRESHOLD:
        return "typo", similarity
    if normalised == _short_name(lesson_id):
        return "short", similarity
    return None, similarity


@dataclass(frozen=True)
class Lessons:
    r"""The lessons of a course: their ids and the nbgrader cell ids of their notebooks.

    Parameters
    ----------
    cell_ids : mapping
        ``{lesson_id: frozenset of grade_id}``.

    Raises
    ------
    ValueError
        If ``cell_ids`` is not a mapping of non-empty strings to collections of strings.
    """

    cell_ids: Mapping

    def __post_init__(self):
        if not isinstance(self.cell_ids, Mapping):
            raise ValueError(
                "cell_ids: expected a mapping of lesson ids to grade ids, got "
                f"{type(self.cell_ids).__name__}."
            )
        clean = {}
        for lesson_id, ids in self.cell_ids.items():
            if not isinstance(lesson_id, str) or not lesson_id:
                raise ValueError(f"cell_ids: expected lesson ids as keys, got {lesson_id!r}.")
            if isinstance(ids, str) or not isinstance(ids, Iterable):
                raise ValueError(f"cell_ids[{lesson_id!r}]: expected a set of ids, got {ids!r}.")
            clean[lesson_id] = frozenset(str(i) for i in ids)
        object.__setattr__(self, "cell_ids", dict(sorted(clean.items())))
        owners = {}
        for lesson_id, ids in clean.items():
            for cell_id in ids:
                owners.setdefault(cell_id, set()).add(lesson_id)
        # An id two lessons share says nothing about which one a notebook is.
        unique = {i: next(iter(o)) for i, o in owners.items() if len(o) == 1}
        object.__setattr__(self, "_owner", unique)

    @classmethod
    def from_course(cls, course_root):
        r"""Read the lessons of the course at ``course_root``.

        Parameters
        ----------
        course_root : str or os.PathLike
            The folder holding ``solutions/``; each folder there is a lesson, and the grade
            ids of ``solutions/{lesson}/{lesson}.ipynb`` are its cell ids.

        Returns
        -------
        Lessons

        Raises
        ------
        ValueError
            If ``course_root`` has no ``solutions/`` folder, or a lesson's notebook is not
            a readable notebook.
        """
        solutions = Path(course_root) / "solutions"
        if not solutions.is_dir():
            raise ValueError(
                "course_root: expected a course folder holding the lessons in solutions/, "
                f"got {str(course_root)!r}."
            )
        cell_ids = {}
        for folder in sorted(solutions.iterdir()):
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            notebook = folder / f"{folder.name}.ipynb"
            ids = frozenset()
            if notebook.is_file():
                ids = _grade_ids(read_regular_file(notebook, max_bytes=MAX_NOTEBOOK_BYTES))
                if ids is None:
                    raise ValueError(
                        "course_root: expected readable lesson notebooks in solutions/, got "
                        f"{str(notebook)!r}."
                    )
            cell_ids[folder.name] = ids
        return cls(cell_ids)

    @property
    def ids(self):
        r"""The lesson ids, sorted."""
        return tuple(self.cell_ids)

    def lesson_of_cells(self, grade_ids):
        r"""Return the lesson whose cells these are, or None.

        A lesson is returned when more of the recognised ids are its own than all other
        lessons' together; ids of no lesson are ignored.
        """
        counts = self.cell_counts(grade_ids)
        if not counts:
            return None
        top_lesson, top = counts[0]
        return top_lesson if top > sum(n for _, n in counts[1:]) else None

    def cell_counts(self, grade_ids):
        r"""Return ``((lesson_id, count), ...)`` of recognised ids, most first."""
        counts = {}
        for cell_id in set(grade_ids):
            lesson_id = self._owner.get(cell_id)
            if lesson_id is not None:
                counts[lesson_id] = counts.get(lesson_id, 0) + 1
        return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def lesson_of_name(self, name):
        r"""Return the :class:`NameMatch` of the lesson ``name`` designates, or None.

        ``name`` is a folder name or a file name without ``.ipynb``. None when no lesson
        fits, or when two lessons fit equally well.
        """
        best = {}
        for lesson_id in self.cell_ids:
            kind, similarity = _name_kind(str(name), lesson_id)
            if kind is not None:
                best[lesson_id] = (_NAME_RANKS.index(kind), -similarity, kind, similarity)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda item: item[1][:2])
        if len(ranked) > 1 and ranked[0][1][:2] == ranked[1][1][:2]:
            return None
        lesson_id, (_, _, kind, similarity) = ranked[0]
        return NameMatch(lesson_id, kind, round(similarity, 3))


def _grade_ids(data):
    # The nbgrader grade ids of a notebook's cells, or None when it is not a notebook.
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    ids = {}
    for cell in cells:
        metadata = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        if isinstance(grade_id, str):
            ids[grade_id] = None
    return tuple(ids)


@dataclass(frozen=True)
class Entry:
    r"""One entry of a submitted folder, as examined (never followed or opened if special).

    Attributes
    ----------
    name : str
        The name as found (it may hold any character).
    kind : str
        ``"file"``, ``"folder"``, ``"symbolic link"``, ``"FIFO"``, ...
    notebook : bool
        The entry is a regular file named ``*.ipynb`` (any letter case).
    readable : bool
        A notebook file that parsed as a notebook (JSON with a list of cells).
    cell_counts : tuple
        ``((lesson_id, count), ...)``: the lessons whose cell ids it carries, most first.
    cells_lesson : str or None
        The lesson its cells identify (see :meth:`Lessons.lesson_of_cells`).
    digest : str
        SHA-256 of its bytes for a notebook file that was read, else ``""``.
    problem : str
        Why a notebook file was not read (too large, unreadable), else ``""``.
    grade_ids : tuple of str
        The nbgrader grade ids of its cells, in notebook order.
    """

    name: str
    kind: str
    notebook: bool = False
    readable: bool = False
    cell_counts: tuple = ()
    cells_lesson: str | None = None
    digest: str = ""
    problem: str = ""
    grade_ids: tuple = field(default=(), repr=False)

    @property
    def stem(self):
        r"""The name without ``.ipynb``."""
        return self.name[: -len(".ipynb")] if self.name.casefold().endswith(".ipynb") else ""

    def describe(self, lessons=None):
        r"""Say what this entry is, in a few words, starting with its quoted name."""
        shown = show_name(self.name)
        if self.kind == "symbolic link":
            return f"{shown} (a symbolic link, not followed)"
        if self.kind == "folder":
            return f"{shown} (a folder)"
        if self.kind != "file":
            return f"{shown} (a {self.kind}, not opened)"
        if not self.name.casefold().endswith(".ipynb"):
            return f"{shown} (not a notebook)"
        if self.problem:
            return f"{shown} ({self.problem})"
        if not self.readable:
            return f"{shown} (not a readable notebook)"
        if self.cells_lesson is not None:
            return f"{shown} (with {self.cells_lesson}'s cells)"
        if self.cell_counts:
            mixed = ", ".join(f"{lesson} ({n})" for lesson, n in self.cell_counts)
            return f"{shown} (cells of several lessons: {mixed})"
        return f"{shown} (no cells of any lesson)"


def _examine(path, name, status, lessons):
    kind = kind_of_mode(status.st_mode)
    is_notebook = kind == "file" and name.casefold().endswith(".ipynb")
    if not is_notebook:
        return Entry(name, kind)
    if status.st_size > MAX_NOTEBOOK_BYTES:
        size = f"larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB"
        return Entry(name, kind, notebook=True, problem=size)
    try:
        data = read_regular_file(path, max_bytes=MAX_NOTEBOOK_BYTES)
    except ValueError:  # replaced or grown since it was looked at
        return Entry(name, kind, notebook=True, problem="changed while being read")
    except OSError as error:
        return Entry(name, kind, notebook=True, problem=f"unreadable: {error.strerror}")
    digest = hashlib.sha256(data).hexdigest()
    ids = _grade_ids(data)
    if ids is None:
        return Entry(name, kind, notebook=True, digest=digest)
    return Entry(
        name,
        kind,
        notebook=True,
        readable=True,
        cell_counts=lessons.cell_counts(ids),
        cells_lesson=lessons.lesson_of_cells(ids),
        digest=digest,
        grade_ids=ids,
    )


def scan_folder(folder, lessons, *, skip=NBGRADER_FILES):
    r"""Examine the visible entries of ``folder`` without following or opening special files.

    Parameters
    ----------
    folder : str or os.PathLike
        A submitted folder (an assignment folder, usually).
    lessons : Lessons
        Used to recognise the lesson of each notebook from its cell ids.
    skip : collection of str, optional
        Names not examined (by default nbgrader's ``timestamp.txt`` and
        ``submission_secret.txt``). Names starting with ``.`` are never examined.

    Returns
    -------
    tuple of Entry
        Sorted by name.
    """
    entries = []
    with os.scandir(folder) as listing:
        for item in listing:
            if item.name.startswith(".") or item.name in skip:
                continue
            try:
                status = os.lstat(item.path)
            except OSError:
                continue  # removed while listing
            entries.append(_examine(item.path, item.name, status, lessons))
    return tuple(sorted(entries, key=lambda entry: entry.name))


@dataclass(frozen=True)
class Match:
    r"""What one student handed in for one lesson, and what to grade.

    Attributes
    ----------
    student_id : str
    lesson_id : str or None
        The lesson; None when the folder is no recognisable lesson.
    folder : pathlib.Path or None
        The assignment folder as found under ``SUBMITTED/{student_id}/``.
    notebook : pathlib.Path or None
        The file to grade; None unless :attr:`gradable`.
    outcome : str
        ``"exact"`` (the expected folder and notebook), ``"resolved"`` (one candidate, see
        the note), ``"ambiguous"`` (several candidates, nothing graded), ``"missing"`` (no
        notebook of the lesson) or ``"unknown"`` (no recognisable lesson).
    note : str
        One sentence: what was found and graded, or why nothing was; ``""`` for a plain
        exact match.
    candidates : tuple of str
        The names considered as the lesson's notebook.
    found : tuple of Entry
        Everything examined in the folder.
    """

    student_id: str
    lesson_id: str | None
    folder: Path | None
    notebook: Path | None
    outcome: str
    note: str = ""
    candidates: tuple = ()
    found: tuple = field(default=(), repr=False)

    @property
    def gradable(self):
        r"""True when :attr:`notebook` is to be graded as :attr:`lesson_id`."""
        return self.outcome in ("exact", "resolved")

    @property
    def assignment_id(self):
        r"""The row's assignment id: the lesson, or the folder's name when none is known."""
        if self.lesson_id is not None:
            return self.lesson_id
        return self.folder.name if self.folder is not None else ""

    @property
    def reason(self):
        r"""The reason of a row that is not graded (``failed``), else None."""
        return None if self.gradable else self.note


def _listing(entries, lessons):
    if not entries:
        return "nothing"
    shown = [entry.describe(lessons) for entry in entries[:_LISTED]]
    if len(entries) > _LISTED:
        shown.append(f"and {len(entries) - _LISTED} more")
    return ", ".join(shown)


def _why(entry, lesson_id, lessons):
    # Why a candidate is taken as lesson_id's notebook.
    reasons = []
    name = lessons.lesson_of_name(entry.stem) if entry.stem else None
    if name is not None and name.lesson_id == lesson_id:
        kind = name.kind
        if kind == "exact" and entry.name != f"{lesson_id}.ipynb":
            kind = "case"  # lesson3_implement.IPYNB
        if kind != "exact":
            reasons.append(_NAME_PHRASES[kind])
    if entry.cells_lesson == lesson_id:
        reasons.append(f"with {lesson_id}'s cells")
    elif entry.problem:
        reasons.append(entry.problem)
    elif not entry.readable:
        reasons.append("not a readable notebook")
    elif entry.cell_counts:
        reasons.append("cells of several lessons")
    else:
        reasons.append("no cells of any lesson")
    return ", ".join(reasons)


def _file_candidates(entries, lesson_id, lessons):
    # Notebooks carrying the lesson's cells, and notebooks carrying no other lesson's cells
    # whose name is the lesson's (exact, or a copy, case, separator or typo variant).
    candidates = []
    for entry in entries:
        if not entry.notebook:
            continue
        if entry.cells_lesson == lesson_id:
            candidates.append(entry)
            continue
        if entry.cells_lesson is not None:
            continue  # another lesson's notebook
        if entry.cell_counts and lesson_id not in dict(entry.cell_counts):
            continue  # mixed cells, none of them this lesson's
        name = lessons.lesson_of_name(entry.stem)
        if name is not None and name.lesson_id == lesson_id and name.kind != "short":
            candidates.append(entry)
    return candidates


def _distinct(entries):
    seen, kept = set(), []
    for entry in entries:
        key = entry.digest or entry.name
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def _resolve_notebook(student_id, folder, lesson_id, entries, lessons, folder_note):
    expected = f"{lesson_id}.ipynb"
    by_name = {entry.name: entry for entry in entries}
    exact = by_name.get(expected)
    candidates = _file_candidates(entries, lesson_id, lessons)
    names = tuple(entry.name for entry in candidates)
    prefix = f"{folder_note}; " if folder_note else ""

    def match(outcome, note, notebook=None):
        return Match(
            student_id,
            lesson_id,
            folder,
            notebook,
            outcome,
            prefix + note if note else folder_note,
            names,
            entries,
        )

    if exact is not None and exact in candidates:
        others = [entry for entry in candidates if entry is not exact]
        carrying = [entry for entry in others if entry.cells_lesson == lesson_id]
        if exact.cells_lesson == lesson_id or not carrying:
            outcome = "exact" if not folder_note else "resolved"
            note = f"graded {show_name(expected)}" if folder_note else ""
            if others:
                note = (
                    f"graded {show_name(expected)}; also found "
                    f"{_listing(others, lessons)}, not graded"
                )
            return match(outcome, note, folder / exact.name)

    distinct = _distinct(candidates)
    if exact is None:
        missing = f"{show_name(expected)} was not found"
    elif exact.cells_lesson not in (None, lesson_id):
        missing = f"{show_name(expected)} is {exact.cells_lesson}'s notebook" + (
            f" (its cells {_sample_cells(exact, lessons)})"
        )
    else:
        missing = f"{exact.describe(lessons)} is not a notebook of {lesson_id}"
    if len(distinct) == 1 and (exact is None or exact not in candidates):
        chosen = distinct[0]
        same = len(candidates) - 1
        twins = f" ({same} identical copies ignored)" if same else ""
        note = f"graded {show_name(chosen.name)} ({_why(chosen, lesson_id, lessons)}){twins}; "
        note += missing
        return match("resolved", note, folder / chosen.name)
    if len(distinct) > 1 or (exact is not None and exact in candidates):
        listed = "; ".join(
            f"{show_name(entry.name)} ({_why(entry, lesson_id, lessons)})" for entry in candidates
        )
        note = (
            f"not graded: several notebooks could be {lesson_id}'s: {listed}; keep one, "
            f"named {show_name(expected)}, and grade again"
        )
        return match("ambiguous", note)
    note = (
        f"no notebook of {lesson_id} submitted: expected {show_name(expected)} with "
        f"{lesson_id}'s cells; "
    )
    if exact is not None and exact.cells_lesson not in (None, lesson_id):
        others = [entry for entry in entries if entry is not exact]
        note += missing + (f"; also found {_listing(others, lessons)}" if others else "")
    else:
        note += f"found {_listing(entries, lessons)}"
    return match("missing", note)


def _sample_cells(entry, lessons):
    # A few of the cell ids that identify another lesson's notebook, in notebook order.
    own = lessons.cell_ids.get(entry.cells_lesson, frozenset())
    found = [cell_id for cell_id in entry.grade_ids if cell_id in own]
    return ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")


def _folder_lesson(name, entries, lessons):
    r"""Return ``(lesson_id or None, note, outcome)`` for an assignment folder's name."""
    if name in lessons.cell_ids:
        return name, "", ""
    by_name = lessons.lesson_of_name(name)
    by_cells = sorted({e.cells_lesson for e in entries if e.cells_lesson is not None})
    if not by_cells:
        by_file_name = set()
        for entry in entries:
            file_match = lessons.lesson_of_name(entry.stem) if entry.notebook else None
            if file_match is not None and file_match.kind != "short":
                by_file_name.add(file_match.lesson_id)
        by_files = sorted(by_file_name)
        evidence = "the name of its notebook"
    else:
        by_files = by_cells
        evidence = "its notebook's cells"
    shown = show_name(name)
    if by_name is not None and (not by_files or by_name.lesson_id in by_files):
        agreed = f" and {evidence}" if by_files else ""
        note = (
            f"the folder {shown} is taken as {by_name.lesson_id} "
            f"({_NAME_PHRASES[by_name.kind] or 'its name'}{agreed})"
        )
        return by_name.lesson_id, note, ""
    if by_name is None and len(by_files) == 1:
        note = f"the folder {shown} is taken as {by_files[0]} ({evidence})"
        return by_files[0], note, ""
    expected = ", ".join(lessons.ids)
    if by_name is not None or len(by_files) > 1:
        options = sorted({*by_files, *([by_name.lesson_id] if by_name else [])})
        note = (
            f"not graded: the folder {shown} could be {' or '.join(options)} (by its name and "
            f"{evidence}); rename it to the lesson id"
        )
        return None, note, "ambiguous"
    note = (
        f"not graded: the folder {shown} is not a lesson of this course (expected one of "
        f"{expected}) and no notebook in it carries a lesson's cells; found "
        f"{_listing(list(entries), lessons)}"
    )
    return None, note, "unknown"


def match_assignment(folder, lessons, *, student_id=None):
    r"""Decide which lesson an assignment folder is and which notebook in it to grade.

    Parameters
    ----------
    folder : str or os.PathLike
        ``SUBMITTED/{student_id}/{assignment}/``, a real folder (not a symbolic link).
    lessons : Lessons
    student_id : str, optional
        Default: the name of the folder's parent.

    Returns
    -------
    Match

    Raises
    ------
    ValueError
        If ``folder`` is not a folder (a symbolic link to one is refused) or ``lessons`` is
        not a :class:`Lessons`.
    """
    if not isinstance(lessons, Lessons):
        raise ValueError(f"lessons: expected a Lessons, got {type(lessons).__name__}.")
    folder = Path(folder)
    try:
        mode = os.lstat(folder).st_mode
    except OSError:
        mode = None
    if mode is None or not stat.S_ISDIR(mode):
        what = "nothing" if mode is None else f"a {kind_of_mode(mode)}"
        raise ValueError(
            f"folder: expected an assignment folder of {LAYOUT}, got {str(folder)!r} ({what})."
        )
    student_id = folder.parent.name if student_id is None else student_id
    entries = scan_folder(folder, lessons)
    lesson_id, folder_note, outcome = _folder_lesson(folder.name, entries, lessons)
    if lesson_id is None:
        return Match(student_id, None, folder, None, outcome, folder_note, (), entries)
    return _resolve_notebook(student_id, folder, lesson_id, entries, lessons, folder_note)


def _where(match):
    if match.folder is not None:
        return f"the folder {show_name(match.folder.name)}"
    return f"{show_name(match.candidates[0])} in the student's folder"


def _merge(matches):
    # Several folders of one student resolved to one lesson: one row.
    exact = [m for m in matches if m.folder is not None and m.folder.name == m.lesson_id]
    gradable = [m for m in matches if m.gradable]
    first = matches[0]
    if exact and exact[0].gradable:
        kept = exact[0]
    elif len(gradable) == 1:
        kept = gradable[0]
    elif gradable:
        shown = ", ".join(show_name(m.folder.name) for m in gradable)
        note = (
            f"not graded: the folders {shown} each hold a notebook of {first.lesson_id}; keep "
            f"one, named {show_name(first.lesson_id)}, and grade again"
        )
        candidates = tuple(m.folder.name for m in gradable)
        return Match(first.student_id, first.lesson_id, None, None, "ambiguous", note, candidates)
    else:
        kept = exact[0] if exact else first
    others = ", ".join(_where(m) for m in matches if m is not kept)
    note = f"{kept.note}; " if kept.note else ""
    note += f"also found {others} for {kept.lesson_id}, not graded"
    outcome = "resolved" if kept.outcome == "exact" else kept.outcome
    return Match(
        kept.student_id,
        kept.lesson_id,
        kept.folder,
        kept.notebook,
        outcome,
        note,
        kept.candidates,
        kept.found,
    )


def _loose_entry(student_id, entry, lessons):
    # A notebook left directly in a student's folder, or a symbolic link there.
    lesson_id = entry.cells_lesson
    if lesson_id is None:
        name = lessons.lesson_of_name(entry.stem or entry.name)
        lesson_id = name.lesson_id if name is not None and name.kind != "short" else None
    if entry.kind == "symbolic link":
        note = f"not graded: {entry.describe(lessons)} in the student's folder"
    else:
        place = f"{lesson_id}/{lesson_id}.ipynb" if lesson_id else "{assignment_id}/{name}"
        note = (
            f"not graded: found {entry.describe(lessons)} directly in the student's folder; "
            f"expected it at SUBMITTED/{{student_id}}/{place}"
        )
    return Match(student_id, lesson_id, None, None, "missing", note, (entry.name,), (entry,))


def match_class(submitted, lessons):
    r"""Match every assignment folder of a submitted folder: one :class:`Match` per row.

    Parameters
    ----------
    submitted : str or os.PathLike
        nbgrader's submitted folder, ``SUBMITTED/{student_id}/{assignment_id}/``; checked
        with :func:`check_layout` first.
    lessons : Lessons

    Returns
    -------
    list of Match
        Sorted by student and assignment id, with exactly one match per student and
        lesson; folders of no recognisable lesson get one match each, and so do notebooks
        left directly in a student's folder.

    Raises
    ------
    ValueError
        If ``submitted`` does not have nbgrader's layout (see :func:`check_layout`).
    """
    check_layout(submitted, lessons)
    submitted = Path(submitted)
    rows = []
    for student in _visible(submitted):
        mode = os.lstat(student).st_mode
        if not stat.S_ISDIR(mode):
            continue  # reported by check_layout's warnings, not a student
        by_lesson, single = {}, []
        for item in _visible(student):
            item_status = os.lstat(item)
            if stat.S_ISDIR(item_status.st_mode):
                found = match_assignment(item, lessons, student_id=student.name)
                if found.lesson_id is None:
                    single.append(found)
                else:
                    by_lesson.setdefault(found.lesson_id, []).append(found)
                continue
            entry = _examine(item, item.name, item_status, lessons)
            if entry.notebook or entry.kind == "symbolic link":
                found = _loose_entry(student.name, entry, lessons)
                if found.lesson_id is None:
                    single.append(found)
                else:
                    by_lesson.setdefault(found.lesson_id, []).append(found)
        for lesson_id in sorted(by_lesson):
            matches = by_lesson[lesson_id]
            rows.append(matches[0] if len(matches) == 1 else _merge(matches))
        rows.extend(single)
    return sorted(rows, key=lambda m: (m.student_id, m.assignment_id, m.note))


def _visible(folder):
    with os.scandir(folder) as listing:
        names = sorted(item.name for item in listing if not item.name.startswith("."))
    return [Path(folder) / name for name in names]


def _layout_error(submitted, what):
    return ValueError(
        f"submitted: expected nbgrader's submitted folder, laid out as {LAYOUT}: one folder "
        f"per student, in it one folder per assignment (lesson), in it the notebooks, as in "
        f"submitted/ada/lesson3_implement/lesson3_implement.ipynb; got {str(submitted)!r}, "
        f"which {what}."
    )


def check_layout(submitted, lessons=None):
    r"""Check that ``submitted`` is nbgrader's submitted folder, not a level above or below.

    Parameters
    ----------
    submitted : str or os.PathLike
        The folder to grade: ``SUBMITTED`` in ``SUBMITTED/{student_id}/{assignment_id}/
        {notebook_id}.ipynb``.
    lessons : Lessons, optional
        The course's lessons, to recognise a student's folder by its lesson folders.

    Returns
    -------
    list of str
        Sentences about entries that are in the layout but will not be graded (files
        beside the student folders, symbolic links); empty when there are none.

    Raises
    ------
    ValueError
        If ``submitted`` is missing or not a folder, is a course folder, one student's
        folder, an assignment folder or a folder of notebooks, or holds no student folder.
        The message states the expected layout and what was found.
    """
    path = Path(submitted)
    if not path.is_dir():
        what = "does not exist" if not path.exists() else "is not a folder"
        raise _layout_error(submitted, what)
    top = _visible(path)
    kinds = {item: kind_of_mode(os.lstat(item).st_mode) for item in top}
    folders = [item for item in top if kinds[item] == "folder"]
    notebooks = [
        item for item in top if kinds[item] == "file" and item.name.casefold().endswith(".ipynb")
    ]
    if (path / "nbgrader_config.py").is_file():
        raise _layout_error(
            submitted,
            "is a course folder (it holds nbgrader_config.py): pass its submitted folder, "
            f"{str(path / 'submitted')!r}",
        )
    deeper = {folder: _subfolders(folder) for folder in folders}
    lesson_named = []
    if lessons is not None:
        for folder in folders:
            found = lessons.lesson_of_name(folder.name)
            if found is not None and found.kind in ("exact", "case"):
                lesson_named.append(folder.name)
    if lesson_named:
        raise _layout_error(
            submitted,
            "looks like one student's folder: its folders are lessons "
            f"({', '.join(show_name(n) for n in lesson_named[:_LISTED])}); pass the folder "
            "that holds every student's folder",
        )
    students = [folder for folder in folders if deeper[folder]]
    if notebooks and not students:
        shown = ", ".join(show_name(item.name) for item in notebooks[:_LISTED])
        raise _layout_error(
            submitted,
            f"holds notebooks directly ({shown}): it looks like an assignment folder or a "
            "folder of notebooks; put each student's notebooks in "
            "SUBMITTED/{student_id}/{assignment_id}/",
        )
    if not students:
        with_notebooks = [
            folder.name
            for folder in folders
            if any(name.casefold().endswith(".ipynb") for name in _names(folder))
        ]
        if with_notebooks:
            shown = ", ".join(show_name(name) for name in with_notebooks[:_LISTED])
            raise _layout_error(
                submitted,
                f"has folders that hold notebooks directly ({shown}): it looks like one "
                "student's folder (each of its folders an assignment), or its students' "
                "notebooks lack their assignment folder; pass the folder that holds every "
                "student's folder, each holding one folder per assignment",
            )
        raise _layout_error(submitted, "holds no student folder with an assignment folder")
    warnings = []
    for item in top:
        if item in students:
            continue
        if kinds[item] == "folder":
            warnings.append(f"{show_name(item.name)} holds no assignment folder: not graded")
        elif kinds[item] == "symbolic link":
            warnings.append(f"{show_name(item.name)} is a symbolic link: not followed")
        else:
            warnings.append(
                f"{show_name(item.name)} is a {kinds[item]} beside the student folders: not graded"
            )
    return warnings


def _names(folder):
    try:
        with os.scandir(folder) as listing:
            return [item.name for item in listing if not item.name.startswith(".")]
    except OSError:
        return []


def _subfolders(folder):
    try:
        with os.scandir(folder) as listing:
            return [
                item.name
                for item in listing
                if not item.name.startswith(".") and item.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return []
