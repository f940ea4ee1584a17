r"""The sandbox side of the grader: everything that runs next to a student's code.

This package is all of the grader that a sandboxed notebook can see. It imports neither
``ce_lib``'s reference numerics nor the grader's test definitions, misconception probes or
secret: it runs the student's cells (:mod:`ce_sandbox.worker`), forks isolated workers from a
warm process (:mod:`ce_sandbox.zygote`, :mod:`ce_sandbox.namespaces`), turns answers into plain
data (:mod:`ce_sandbox.answers`) and frames them (:mod:`ce_sandbox.wire`).
"""
