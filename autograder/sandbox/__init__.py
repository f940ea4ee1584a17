"""The sandbox that runs student code: the launcher, the worker inside it and the wire format.

Untrusted code runs only in the worker process; the trusted side exchanges plain data with it
through :mod:`autograder.sandbox.wire` and decides every score in its own process.
"""
