"""Makes this folder a pytest suite that grades exercises: one test per check module.

    pytest lab/checks                                        # grades exercises/
    pytest lab/checks --confcutdir=lab/checks --target=DIR   # or any folder of exercises

The hooks live in lab.grading.plugin (product code); they are re-exported here so that
plain pytest finds them whenever it collects this folder.
"""

from lab.grading.plugin import (  # noqa: F401
    pytest_addoption,
    pytest_collect_file,
    pytest_configure,
    pytest_report_header,
    pytest_sessionfinish,
)
