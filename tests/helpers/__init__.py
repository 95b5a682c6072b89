"""Helpers shared by test modules: plain functions and constants, no fixtures.

Test modules import from here and never from each other; fixtures live in the conftest.py files
where pytest finds them.
"""
