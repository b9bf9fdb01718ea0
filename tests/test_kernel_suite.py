#!/usr/bin/python3
"""gilgo under Debian's jupyter_kernel_test (jupyter_kernel_test.KernelTests).

Run with /usr/bin/python3 and JUPYTER_PATH pointing at a data directory that
holds the gilgo kernelspec (`make test` does this with a temporary prefix):

    JUPYTER_PATH=$PREFIX/share/jupyter /usr/bin/python3 tests/test_kernel_suite.py

Samples for optional features are switched by the FEATURES table below (or
GILGO_TEST_FEATURES=display,-clear_output in the environment).
Exits non-zero when any test fails.
"""

import os
import sys
import unittest

import jupyter_kernel_test

from kernelkit import KERNEL_NAME

# Optional features of the runtime that the samples below use.
FEATURES = {
    # display.HTML(...) sends display_data with text/html.
    "display": True,
    # display.ClearOutput(false) sends clear_output.
    "clear_output": True,
}
# GILGO_TEST_FEATURES=display,-clear_output switches features on (name) or
# off (-name) without editing this file.
for _name in filter(None, (n.strip() for n in os.environ.get("GILGO_TEST_FEATURES", "").split(","))):
    FEATURES[_name.lstrip("-")] = not _name.startswith("-")


class GilgoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'

    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "oops")'

    completion_samples = [
        # Matches replace the text after the dot (cursor_start = 4).
        {"text": "fmt.Pri", "matches": {"Print", "Printf", "Println"}},
    ]

    complete_code_samples = [
        "1 + 1",
        'fmt.Println("hi")',
        "func f() {\n\treturn\n}",
        "x := 1 // done",
        'import "fmt"\n\ntype T struct{ A int }\n\nfunc (t T) Get() int { return t.A }',
    ]
    incomplete_code_samples = [
        "func f() {",
        'fmt.Println("hi",',
        "s := `line one",
        "x := 1 +",
    ]
    invalid_code_samples = [
        "}",
        "x := 1)",
        "f(]",
    ]

    # No pager payloads in gilgo: test_pager is skipped.
    code_page_something = ""

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1+2", "result": "3"},
        {"code": '"go" + "pher"', "result": '"gopher"'},
        {"code": "x := 20\nx * 2 + 2", "result": "42"},
    ]

    code_display_data = (
        [{"code": 'import "display"\ndisplay.HTML("<b>gilgo</b>")', "mime": "text/html"}]
        if FEATURES["display"]
        else []
    )

    code_history_pattern = "1+*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "fmt.Println"

    code_clear_output = (
        'import "display"\ndisplay.ClearOutput(false)' if FEATURES["clear_output"] else ""
    )


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(GilgoKernelTests)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(
        "\ntest_kernel_suite: {} run, {} failed, {} errors, {} skipped".format(
            result.testsRun, len(result.failures), len(result.errors), len(result.skipped)
        )
    )
    if failed:
        print("test_kernel_suite: FAIL")
        return 1
    print("test_kernel_suite: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
