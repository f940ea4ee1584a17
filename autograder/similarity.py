r"""Suspiciously similar answers: solution cells, template removed, normalised, then compared.

Only what students wrote is compared: the code cells nbgrader marks ``solution: true``,
without the lines of the released student version of the same cell (the ``def`` line, the
docstring, ``# YOUR CODE HERE``). The rest is normalised with :mod:`ast` and
:mod:`tokenize` (student code is parsed, never run): comments, docstrings and whitespace go,
every name the student binds (variables, parameters, functions, loop targets) becomes
``V`` and every other string literal ``S``, while keywords, attributes (``.max``), keyword
arguments (``axis=``) and names from outside the answer (``np``, ``len``) stay, since they
carry the computation.

The normalised texts are fingerprinted and compared by
`copydetect <https://pypi.org/project/copydetect/>`_, an implementation of the winnowing
algorithm of MOSS (Schleimer, Wilkerson and Aiken, SIGMOD 2003): hashes of every
``k``-character substring, winnowed, matched between two submissions and mapped back to
the shared stretches of code. As MOSS does, a fingerprint found in more than
``common_notebooks`` submissions of the same lesson is treated as common code (the
canonical one-line answer that many write independently) and ignored; this also keeps the
number of pairs compared proportional to the class size.

A pair is flagged when the shared code is at least ``min_shared_chars`` normalised
characters and at least ``threshold`` of one side's compared code.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import re
import tokenize
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from numbers import Integral, Real

from ce_lib.validation import check_scalar

#: Length of the substrings hashed (copydetect's "noise threshold"), in normalised characters.
K = 20
#: Winnowing window. 1 keeps every substring: answers are short, and which fingerprints are
#: kept then does not depend on Python's per-process string hashing (results are repeatable).
WINDOW = 1
#: A pair is flagged when the shared code is at least this fraction of one side's code ...
THRESHOLD = 0.5
#: ... and at least this many normalised characters (about two lines of code).
MIN_SHARED_CHARS = 60
#: Fingerprints found in more submissions than this are common code, as MOSS's ``-m``.
COMMON_NOTEBOOKS = 10

_BUILTINS = frozenset(dir(builtins))
_MAGIC = re.compile(r"^\s*[%!]")
_FSTRING_TOKENS = frozenset(
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
)
_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
_LAYOUT = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})


def _squeezed(line):
    return "".join(line.split())


def without_template(source, template):
    r"""Return the lines of ``source`` with every line also in ``template`` blanked.

    Lines are compared without their whitespace; blanked lines stay (empty) so that line
    numbers keep pointing at the student's cell.

    Examples
    --------
    >>> template = "def f(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    >>> without_template("def f(z) :\n    return z + 1", template)
    ['', '    return z + 1']
    """
    given = {_squeezed(line) for line in str(template or "").splitlines()}
    given.discard("")
    return ["" if _squeezed(line) in given else line for line in str(source).splitlines()]


def bound_names(source):
    r"""Return the names ``source`` binds, modules aside, or None if it does not parse.

    Examples
    --------
    >>> code = "import numpy as np\ndef f(z, *, axis=1):\n    e = np.exp(z)\n    return e"
    >>> sorted(bound_names(code))
    ['axis', 'e', 'f', 'z']
    >>> bound_names("def f(:") is None
    True
    """
    text = "\n".join("" if _MAGIC.match(line) else line for line in str(source).splitlines())
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
    return names


@dataclass
class Normalised:
    r"""Normalised code with, for each of its lines, the original cell and line numbers.

    Attributes
    ----------
    text : str
        One normalised logical line per line.
    origins : list of (int, int, int)
        For line ``i`` of ``text``: the cell's index and the first and last original line
        (0-based, inclusive) that it comes from.
    """

    text: str = ""
    origins: list = field(default_factory=list)

    def line_starts(self):
        r"""Offsets in :attr:`text` where each line starts."""
        starts, offset = [], 0
        for line in self.text.split("\n")[: len(self.origins)]:
            starts.append(offset)
            offset += len(line) + 1
        return starts


def _glue(parts):
    out = ""
    for part in parts:
        if out and (out[-1].isalnum() or out[-1] == "_") and (part[0].isalnum() or part[0] == "_"):
            out += " "
        out += part
    return out


def _tokens(lines):
    readline = io.StringIO("\n".join(lines) + "\n").readline
    try:
        return list(tokenize.generate_tokens(readline))
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _plain_words(lines, bound):
    # The fallback for text that does not even tokenise: words and symbols, comments dropped,
    # names renamed as _name does (brackets counted per line: the text may not balance them).
    out = []
    for row, line in enumerate(lines):
        depth = 0
        words = re.findall(r"[^\W\d]\w*|\d[\w.]*|[^\w\s]", line.split("#", 1)[0])
        kept = []
        for index, word in enumerate(words):
            depth += (word in "([{") - (word in ")]}")
            if (word[0].isalpha() or word[0] == "_") and not keyword.iskeyword(word):
                attribute = bool(kept) and kept[-1] == "."
                following = words[index + 1 : index + 3]
                argument = depth > 0 and following[:1] == ["="] and following[1:] != ["="]
                renamed = word in bound if bound is not None else word not in _BUILTINS
                if renamed and not (attribute or argument):
                    word = "V"
            kept.append(word)
        if kept:
            out.append((row, row, _glue(kept)))
    return out


def _normalised_lines(lines, bound):
    tokens = _tokens(lines)
    if tokens is None:
        return _plain_words(lines, bound)
    out, parts, first_row, depth = [], [], None, 0
    previous = None  # the last significant token kept or dropped
    for index, token in enumerate(tokens):
        kind, text, (row, _), (end_row, _), _ = token
        if kind in _SKIPPED:
            continue
        if kind in _LAYOUT:
            if kind == tokenize.NEWLINE and parts:
                out.append((first_row, end_row - 1, _glue(parts)))
            if kind == tokenize.NEWLINE:
                parts, first_row = [], None
            previous = token
            continue
        if first_row is None:
            first_row = row - 1
        if kind == tokenize.OP:
            depth += text in "([{"
            depth -= text in ")]}"
            parts.append(text)
        elif kind == tokenize.NAME:
            parts.append(_name(tokens, index, previous, bound, depth))
        elif kind == tokenize.STRING or kind in _FSTRING_TOKENS:
            if _is_docstring(tokens, index, previous):
                pass
            elif kind not in _FSTRING_TOKENS or text.endswith(("'", '"')):
                if not parts or parts[-1] != "S":
                    parts.append("S")
        else:
            parts.append(text)
        previous = token
    return out


def _next_significant(tokens, index):
    for token in tokens[index + 1 :]:
        if token.type not in _SKIPPED:
            return token
    return None


def _is_docstring(tokens, index, previous):
    # A string that is a whole statement: nothing before it on its logical line, nothing after.
    token = tokens[index]
    if token.type != tokenize.STRING:
        return False
    starts_line = previous is None or previous.type in _LAYOUT
    following = _next_significant(tokens, index)
    return starts_line and (following is None or following.type == tokenize.NEWLINE)


def _name(tokens, index, previous, bound, depth):
    text = tokens[index].string
    if keyword.iskeyword(text):
        return text
    if previous is not None and previous.type == tokenize.OP and previous.string == ".":
        return text  # an attribute: .max, .sum, np.exp
    following = _next_significant(tokens, index)
    if depth and following is not None and following.string == "=":
        return text  # a keyword argument: axis=1
    if bound is not None:
        return "V" if text in bound else text
    return text if text in _BUILTINS else "V"


def normalise_cells(cells):
    r"""Normalise the student's part of solution cells into one text.

    Parameters
    ----------
    cells : list of (str, str)
        ``(source, template)`` of each solution cell, in notebook order; ``template`` is the
        released student version of that cell ("" when unknown).

    Returns
    -------
    Normalised

    Examples
    --------
    >>> template = 'def f(z):\n    "Doc."\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    >>> source = 'def f(z):\n    "Doc."\n    total = z.sum(axis=1)  # sum\n    return total/len(z)'
    >>> print(normalise_cells([(source, template)]).text, end="")
    V=V.sum(axis=1)
    return V/len(V)
    """
    # Names bound in one answer cell are used in others: rename them everywhere. A cell that
    # does not parse renames every name but the built-ins.
    per_cell = [bound_names(source) for source, _ in cells]
    bound = set().union(*(names for names in per_cell if names is not None))
    normalised = Normalised()
    lines_out = []
    for cell_index, (source, template) in enumerate(cells):
        lines = without_template(source, template)
        names = bound if per_cell[cell_index] is not None else None
        for first, last, text in _normalised_lines(lines, names):
            lines_out.append(text)
            normalised.origins.append((cell_index, first, last))
    normalised.text = "\n".join(lines_out) + ("\n" if lines_out else "")
    return normalised


@dataclass
class Submission:
    r"""One notebook's solution code, ready to compare.

    Attributes
    ----------
    key : tuple
        What identifies the notebook in the report (student, assignment, notebook).
    cells : list of (str, str, str)
        ``(grade_id, source, template)`` of each solution cell.
    """

    key: tuple
    cells: list
    normalised: Normalised = None

    def __post_init__(self):
        if self.normalised is None:
            self.normalised = normalise_cells([(source, tpl) for _, source, tpl in self.cells])


@dataclass
class SharedCell:
    r"""One solution cell of a flagged pair, with the lines each side shares (0-based)."""

    grade_id: str
    source_a: str
    source_b: str
    lines_a: frozenset
    lines_b: frozenset
    template_a: frozenset
    template_b: frozenset


@dataclass
class SimilarPair:
    r"""Two submissions of one lesson that share code beyond the template and common code.

    Attributes
    ----------
    a, b : tuple
        The keys of the two submissions.
    similarity : float
        The larger of ``share_a`` and ``share_b``.
    share_a, share_b : float
        Fraction of each side's compared code that the other one also has.
    shared_chars : int
        Length of the shared normalised code on side ``a``.
    cells : list of SharedCell
    """

    a: tuple
    b: tuple
    similarity: float
    share_a: float
    share_b: float
    shared_chars: int
    cells: list


def _fingerprint(submission, k, window):
    # Fingerprints of the normalised text, which needs no further filtering by copydetect.
    from copydetect import CodeFingerprint

    return CodeFingerprint(
        f"{'/'.join(map(str, submission.key))}.py",
        k,
        window,
        filter=False,
        fp=io.StringIO(submission.normalised.text),
    )


def _drop(fingerprint, hashes):
    # Remove common fingerprints through the attributes CodeFingerprint documents.
    from copydetect.utils import get_token_coverage

    dropped = fingerprint.hashes & hashes
    if dropped:
        fingerprint.hashes = fingerprint.hashes - dropped
        for value in dropped:
            del fingerprint.hash_idx[value]
        fingerprint.token_coverage = get_token_coverage(
            fingerprint.hash_idx, fingerprint.k, len(fingerprint.filtered_code)
        )


def _shared_lines(normalised, slices):
    # Original lines (per cell) covered by at least half of their normalised characters.
    starts = normalised.line_starts()
    lines = normalised.text.split("\n")
    covered = defaultdict(int)
    for start, end in zip(slices[0], slices[1], strict=True):
        start, end = int(start), int(end)
        line = max(bisect_right(starts, start) - 1, 0)
        while line < len(starts) and starts[line] < end:
            overlap = min(end, starts[line] + len(lines[line])) - max(start, starts[line])
            covered[line] += max(overlap, 0)
            line += 1
    shared = defaultdict(set)
    for line, chars in covered.items():
        if chars * 2 >= max(len(lines[line]), 1):
            cell, first, last = normalised.origins[line]
            shared[cell].update(range(first, last + 1))
    return shared


def _template_lines(source, template):
    return frozenset(
        row
        for row, line in enumerate(without_template(source, template))
        if not line and str(source).splitlines()[row].strip()
    )


def _pair(first, second, compared):
    overlap, (share_a, share_b), (slices_a, slices_b) = compared
    lines_a = _shared_lines(first.normalised, slices_a)
    lines_b = _shared_lines(second.normalised, slices_b)
    cells = []
    index_b = {cell[0]: j for j, cell in reversed(list(enumerate(second.cells)))}
    for index, (grade_id, source_a, template_a) in enumerate(first.cells):
        j = index_b.get(grade_id)
        if not lines_a.get(index) and (j is None or not lines_b.get(j)):
            continue
        source_b, template_b = second.cells[j][1:] if j is not None else ("", "")
        cells.append(
            SharedCell(
                grade_id=grade_id,
                source_a=source_a,
                source_b=source_b,
                lines_a=frozenset(lines_a.get(index, ())),
                lines_b=frozenset(lines_b.get(j, ())) if j is not None else frozenset(),
                template_a=_template_lines(source_a, template_a),
                template_b=_template_lines(source_b, template_b),
            )
        )
    # Shared code of B in a cell that A does not have (another grade id).
    grade_ids_a = {cell[0] for cell in first.cells}
    for j, (grade_id, source_b, template_b) in enumerate(second.cells):
        if grade_id not in grade_ids_a and lines_b.get(j):
            cells.append(
                SharedCell(
                    grade_id=grade_id,
                    source_a="",
                    source_b=source_b,
                    lines_a=frozenset(),
                    lines_b=frozenset(lines_b[j]),
                    template_a=frozenset(),
                    template_b=_template_lines(source_b, template_b),
                )
            )
    return SimilarPair(
        a=first.key,
        b=second.key,
        similarity=float(max(share_a, share_b)),
        share_a=float(share_a),
        share_b=float(share_b),
        shared_chars=int(overlap),
        cells=cells,
    )


def find_similar(
    submissions,
    *,
    k=K,
    window=WINDOW,
    threshold=THRESHOLD,
    min_shared_chars=MIN_SHARED_CHARS,
    common_notebooks=COMMON_NOTEBOOKS,
):
    r"""Return the pairs of ``submissions`` (one lesson) that share more than common code.

    Parameters
    ----------
    submissions : list of Submission
        The notebooks of one lesson.
    k, window : int
        copydetect's substring length and winnowing window.
    threshold : float
        Smallest fraction of one side's compared code that must be shared.
    min_shared_chars : int
        Smallest amount of shared normalised code.
    common_notebooks : int
        Fingerprints in more submissions than this are ignored as common code.

    Returns
    -------
    list of SimilarPair
        Sorted by decreasing similarity, then by key.

    Raises
    ------
    ValueError
        If ``threshold`` is not a number in [0, 1], ``k``, ``window`` or
        ``common_notebooks`` not an integer >= 1, or ``min_shared_chars`` not an integer
        >= 0 (a wrong type raises :class:`ce_lib.validation.ArgumentTypeError`, also a
        ValueError).

    Examples
    --------
    >>> copied = ("def f(z):\n    top = z.max(axis=1, keepdims=True)\n"
    ...           "    total = np.exp(z - top).sum(axis=1)\n    return np.log(total) + top[:, 0]")
    >>> renamed = copied.replace("total", "s").replace("top", "peak")
    >>> other = "def f(z):\n    return float(np.mean([row.max() for row in z]))"
    >>> found = find_similar([Submission(("ada",), [("f", copied, "")]),
    ...                       Submission(("bob",), [("f", renamed, "")]),
    ...                       Submission(("cy",), [("f", other, "")])])
    >>> [(pair.a, pair.b, round(pair.similarity, 2)) for pair in found]
    [(('ada',), ('bob',), 1.0)]
    """
    from copydetect import compare_files

    k = check_scalar(k, "k", Integral, min_val=1)
    window = check_scalar(window, "window", Integral, min_val=1)
    threshold = check_scalar(threshold, "threshold", Real, min_val=0, max_val=1)
    min_shared_chars = check_scalar(min_shared_chars, "min_shared_chars", Integral, min_val=0)
    common_notebooks = check_scalar(common_notebooks, "common_notebooks", Integral, min_val=1)

    submissions = [s for s in submissions if len(s.normalised.text) >= k]
    fingerprints = [_fingerprint(s, k, window) for s in submissions]
    holders = defaultdict(list)
    for index, fingerprint in enumerate(fingerprints):
        for value in fingerprint.hashes:
            holders[value].append(index)
    common = {value for value, owners in holders.items() if len(owners) > common_notebooks}
    for fingerprint in fingerprints:
        _drop(fingerprint, common)
    # For each pair, how many places of its fingerprints the two share: each place covers at
    # most k characters, which bounds the shared code and lets most pairs be skipped.
    places = Counter()
    for value, owners in holders.items():
        if value in common or len(owners) < 2:
            continue
        counts = [len(fingerprints[owner].hash_idx[value]) for owner in owners]
        if max(counts) == 1:
            places.update(combinations(owners, 2))
            continue
        for (i, count_i), (j, count_j) in combinations(zip(owners, counts, strict=True), 2):
            places[i, j] += max(count_i, count_j)
    pairs = []
    for (i, j), count in sorted(places.items()):
        most = count * k
        least_code = min(fingerprints[i].token_coverage, fingerprints[j].token_coverage)
        if most < min_shared_chars or most < threshold * least_code:
            continue
        compared = compare_files(fingerprints[i], fingerprints[j])
        overlap, (share_a, share_b), _ = compared
        if overlap >= min_shared_chars and max(share_a, share_b) >= threshold:
            pairs.append(_pair(submissions[i], submissions[j], compared))
    pairs.sort(key=lambda pair: (-pair.similarity, pair.a, pair.b))
    return pairs
