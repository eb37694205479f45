"""``python -m course_lib.data list | fetch NAME... | fetch all``."""
from __future__ import annotations

import sys

from course_lib.data._cli import main

if __name__ == "__main__":
    sys.exit(main())
