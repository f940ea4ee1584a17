"""Checks that run over every lesson of the course."""
