"""Bundled examples: the example class of lesson 3 submissions used by the demo and the tests."""
