r"""The registry of every graded test, discovered from the ``lesson*.py`` modules here.

Each lesson module declares ``LESSON`` (its lesson id, the folder name in ``solutions/``),
``VIEW`` (a :class:`~autograder.sandbox.view.LessonView`: what its graded code may see) and
``TESTS``. A new lesson module is picked up without editing this file.

>>> [test.id for test in tests_for_lesson("lesson3_implement")][:1]
['l3_softmax']
>>> get_test("l3_softmax").points
3
"""

import importlib
import pkgutil
from functools import cache

from autograder.definitions.framework import Forbidden
from autograder.sandbox.view import LessonView

__all__ = [
    "forbidden_for",
    "get_test",
    "lesson_ids",
    "lesson_of",
    "tests_for_lesson",
    "view_for",
]


@cache
def _registry():
    tests = {}
    lessons = {}
    views = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not module_info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        lesson = getattr(module, "LESSON", None)
        if not isinstance(lesson, str):
            raise ValueError(
                f"{module.__name__}.LESSON: expected the lesson id (a string), got {lesson!r}."
            )
        view = getattr(module, "VIEW", None)
        if not isinstance(view, LessonView) or view.lesson != lesson:
            raise ValueError(
                f"{module.__name__}.VIEW: expected a LessonView of lesson {lesson!r}, got {view!r}"
            )
        views[lesson] = view
        for test in getattr(module, "TESTS", []):
            if test.id in tests:
                raise ValueError(
                    f"test id {test.id!r} is defined twice (in {module.__name__} and "
                    f"{tests[test.id].lesson})"
                )
            if test.lesson != lesson:
                raise ValueError(
                    f"test {test.id!r} in {module.__name__} has lesson {test.lesson!r}, "
                    f"expected {lesson!r}"
                )
            tests[test.id] = test
            lessons.setdefault(lesson, []).append(test)
        lessons.setdefault(lesson, [])
    return tests, lessons, views


def get_test(test_id):
    r"""Return the test registered under ``test_id`` (the grade cell's ``grade_id``)."""
    tests, _, _ = _registry()
    try:
        return tests[test_id]
    except KeyError:
        raise ValueError(
            f"test_id: expected the id of a registered test, got {test_id!r}."
        ) from None


def lesson_ids():
    r"""Return the ids of the lessons that define tests, sorted."""
    return sorted(_registry()[1])


def tests_for_lesson(lesson_id):
    r"""Return the tests of ``lesson_id`` in definition order."""
    lessons = _registry()[1]
    if lesson_id not in lessons:
        raise ValueError(
            f"lesson_id: expected one of {', '.join(sorted(lessons))}, got {lesson_id!r}."
        )
    return list(lessons[lesson_id])


def view_for(lesson_id):
    r"""Return the :class:`~autograder.sandbox.view.LessonView` of ``lesson_id``."""
    views = _registry()[2]
    if lesson_id not in views:
        raise ValueError(
            f"lesson_id: expected one of {', '.join(sorted(views))}, got {lesson_id!r}."
        )
    return views[lesson_id]


def forbidden_for(lesson_id):
    r"""Return the :class:`Forbidden` names of ``lesson_id``: what its sandbox view leaves out.

    >>> "ce_lib.softmax" in forbidden_for("lesson3_implement").functions
    True
    """
    view = view_for(lesson_id)
    return Forbidden(functions=view.absent_functions(), modules=view.absent_modules())


def lesson_of(test_id):
    r"""Return the lesson id of ``test_id``."""
    return get_test(test_id).lesson
