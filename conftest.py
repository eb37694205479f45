"""pytest set-up shared by the unit tests, the lessons and the solutions (run under nbval).

``tests/nbval_numbers.py`` makes nbval compare stored outputs strictly on words and within
a tolerance on numbers (the rule is in CONTRIBUTING.md).
"""
pytest_plugins = ["tests.nbval_numbers"]
