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

# The exchange (release_assignment, fetch_assignment, submit, collect) keeps each course
# under {Exchange.root}/{course_id}/, and students name it with --course. Give each class
# its own id (for instance "softmax-cross-entropy-2025"); the exchange folder itself is
# Exchange.root, /srv/nbgrader/exchange unless set here or on the command line.
c.CourseDirectory.course_id = "softmax-cross-entropy"

# Student versions carry no outputs and start from a clean kernel.
c.ClearOutput.enabled = True
c.Execute.timeout = 120

# Late work: due dates are in the gradebook (nbgrader db assignment add LESSON
# --duedate "2025-03-01 17:00:00 UTC"); the submission time is timestamp.txt, written by
# nbgrader submit. By default ("none") a late notebook keeps its score; "zero" takes it all.
# c.LateSubmissionPlugin.penalty_method = "zero"
