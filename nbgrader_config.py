"""nbgrader configuration of the course.

The instructor sources live in ``solutions/`` and ``nbgrader generate_assignment``
writes the student versions to ``notebooks/``. ``root`` is this file's own folder so
that every nbgrader command works from any working directory without a warning.
"""

from pathlib import Path

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Student versions carry no outputs and start from a clean kernel.
c.ClearOutput.enabled = True
c.Execute.timeout = 120
