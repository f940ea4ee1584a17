r"""The registry of every graded test, discovered from the ``lesson*.py`` modules here.

Each lesson module declares ``LESSON`` (its lesson id, the folder name in ``solutions/``),
``FORBIDDEN`` (a :class:`~autograder.definitions.framework.Forbidden`) and ``TESTS``. A new
lesson module is picked up without editing this file.

>>> [test.id for test in tests_for_lesson("lesson3_implement")][:1]
['l3_softmax']
>>> get_test("l3_softmax").points
3
"""

import importlib
import pkgutil
from functools import cache

from autograder.definitions.framework import Forbidden

__all__ = ["get_test", "tests_for_lesson", "lesson_ids", "forbidden_for", "lesson_of"]


@cache
def _registry():
    tests = {}
    lessons = {}
    forbidden = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not module_info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        lesson = getattr(module, "LESSON", None)
        if not isinstance(lesson, str):
            raise ValueError(f"{module.__name__} must define LESSON, the lesson id; got {lesson!r}")
        forbidden[lesson] = getattr(module, "FORBIDDEN", Forbidden())
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
    return tests, lessons, forbidden


def get_test(test_id):
    r"""Return the test registered under ``test_id`` (the grade cell's ``grade_id``)."""
    tests, _, _ = _registry()
    try:
        return tests[test_id]
    except KeyError:
        raise ValueError(f"test_id must be the id of a registered test, got {test_id!r}") from None


def lesson_ids():
    r"""Return the ids of the lessons that define tests, sorted."""
    return sorted(_registry()[1])


def tests_for_lesson(lesson_id):
    r"""Return the tests of ``lesson_id`` in definition order."""
    lessons = _registry()[1]
    if lesson_id not in lessons:
        raise ValueError(
            f"lesson_id must be one of {', '.join(sorted(lessons))}; got {lesson_id!r}"
        )
    return list(lessons[lesson_id])


def forbidden_for(lesson_id):
    r"""Return the :class:`Forbidden` names of ``lesson_id``."""
    forbidden = _registry()[2]
    if lesson_id not in forbidden:
        raise ValueError(
            f"lesson_id must be one of {', '.join(sorted(forbidden))}; got {lesson_id!r}"
        )
    return forbidden[lesson_id]


def lesson_of(test_id):
    r"""Return the lesson id of ``test_id``."""
    return get_test(test_id).lesson
