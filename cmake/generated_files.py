# SPDX-License-Identifier: Apache-2.0
"""What the build-time generators (cmake/stdlib.py, cmake/tools.py) share."""


def write_if_changed(path, text):
    """Writes `text` to `path` unless it already holds it, so that an
    unchanged output keeps its time stamp and nothing rebuilds after it."""
    try:
        with open(path, encoding="utf-8") as old:
            if old.read() == text:
                return
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)
