r"""Run stock nbgrader on a copy of the course, every lesson in one process.

``python nbgrader_course.py generate COURSE LESSON...`` runs nbgrader's ``generate_assignment``
(with ``force``) for each lesson; ``python nbgrader_course.py autograde COURSE STUDENT...``
runs ``autograde`` for every lesson found in ``COURSE/submitted/STUDENT/``. Both go through
:class:`nbgrader.apps.NbGraderAPI` with the course's own ``nbgrader_config.py``: the same
converters as the ``nbgrader`` command, without starting one command per lesson. The exit
status is 1 when nbgrader reports a failure, with its log on stderr.
"""

import sys
import warnings
from pathlib import Path


def course_api(course):
    r"""Return the NbGraderAPI of ``course``, configured by its ``nbgrader_config.py``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def main(argv):
    command, course, *names = argv
    course = Path(course).resolve()
    # nbgrader's gradebook triggers SQLAlchemy warnings about its own session handling.
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    api = course_api(course)
    failures = []
    if command == "generate":
        for lesson in names:
            result = api.generate_assignment(lesson, force=True)
            if not result["success"]:
                failures.append(f"generate_assignment {lesson}:\n{result.get('log', '')}")
    elif command == "autograde":
        for student in names:
            for folder in sorted((course / "submitted" / student).iterdir()):
                result = api.autograde(folder.name, student, force=True, create=True)
                if not result["success"]:
                    failures.append(f"autograde {folder.name} {student}:\n{result.get('log', '')}")
    else:
        raise SystemExit(f"command must be 'generate' or 'autograde', got {command!r}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
