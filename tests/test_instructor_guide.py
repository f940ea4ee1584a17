"""The instructor guide stays in step with the code it describes."""

import re
from pathlib import Path

from autograder.misconceptions import CODES

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")


def test_every_misconception_code_is_in_the_guides_table():
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", GUIDE, flags=re.MULTILINE))
    assert listed == set(CODES)


def test_the_files_the_guide_names_are_in_the_repository():
    named = set(re.findall(r"`((?:autograder|docs|benchmarks|tests)/[\w./-]+\.\w+)`", GUIDE))
    named |= set(re.findall(r"\]\(([\w./-]+\.md)\)", GUIDE))
    assert named, "the pattern found no file names"
    missing = [
        name
        for name in sorted(named)
        if not (ROOT / name).exists() and not (ROOT / "docs" / name).exists()
    ]
    assert missing == []
    assert "DESIGN.md" not in GUIDE
