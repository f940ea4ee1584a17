# ruff: noqa
# fmt: off
# Unmounts what hides the solutions, reads the instructor's solution notebook, the course
# secret and the hidden tests, and runs the solution's code.
# %% first
import json
import pathlib
import sqlite3

import ce_lib

course = pathlib.Path(ce_lib.__file__).resolve().parents[1]
stolen = {}
try:
    import ctypes

    # Try to take away the empty folder the grader mounts over the solutions.
    ctypes.CDLL(None).umount2(str(course / "solutions").encode(), 2)
except Exception as error:
    stolen["umount"] = repr(error)
try:
    source = course / "solutions" / "lesson3_implement" / "lesson3_implement.ipynb"
    for cell in json.loads(source.read_text())["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]))
except Exception as error:
    stolen["solution"] = repr(error)
try:
    stolen["secret"] = (course / ".ce_grade_secret").read_text()
except Exception as error:
    stolen["secret"] = repr(error)
try:
    rows = sqlite3.connect(course / "gradebook.db").execute("select * from grade_cells")
    stolen["hidden tests"] = rows.fetchall()
except Exception as error:
    stolen["hidden tests"] = repr(error)
