#!/usr/bin/python3
"""Unit tests of the course hook (standard library only):
/usr/bin/python3 deploy/jupyterhub/test/test_gilgo_course.py"""

import os
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gilgo_course  # noqa: E402


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


class CopyMissingTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name
        self.src = os.path.join(self.tmp, "src")
        write(os.path.join(self.src, "01.ipynb"), "course 01")
        write(os.path.join(self.src, "02.ipynb"), "course 02")
        write(os.path.join(self.src, "data", "x.csv"), "1,2")
        write(os.path.join(self.src, ".hidden"), "no")
        write(os.path.join(self.src, ".ipynb_checkpoints", "01-checkpoint.ipynb"), "no")

    def tearDown(self):
        self._tmp.cleanup()

    def test_table(self):
        cases = [
            # name, files the student has, want copied, want contents after
            ("empty home", {}, ["01.ipynb", "02.ipynb", "data/x.csv"],
             {"01.ipynb": "course 01", "02.ipynb": "course 02", "data/x.csv": "1,2"}),
            ("edit kept", {"01.ipynb": "mine"}, ["02.ipynb", "data/x.csv"],
             {"01.ipynb": "mine", "02.ipynb": "course 02"}),
            ("all present", {"01.ipynb": "a", "02.ipynb": "b", "data/x.csv": "c"}, [],
             {"01.ipynb": "a", "02.ipynb": "b", "data/x.csv": "c"}),
        ]
        for name, have, want_copied, want in cases:
            with self.subTest(name):
                dst = tempfile.mkdtemp(dir=self.tmp)
                for rel, text in have.items():
                    write(os.path.join(dst, rel), text)
                got = sorted(gilgo_course.copy_missing(self.src, dst))
                self.assertEqual(got, want_copied)
                for rel, text in want.items():
                    self.assertEqual(read(os.path.join(dst, rel)), text, rel)
                self.assertFalse(os.path.exists(os.path.join(dst, ".hidden")))
                self.assertFalse(os.path.exists(os.path.join(dst, ".ipynb_checkpoints")))

    def test_hook_uses_home_dir(self):
        home = os.path.join(self.tmp, "home", "alice")
        log = types.SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)
        spawner = types.SimpleNamespace(home_dir=home, user=types.SimpleNamespace(name="no-such-user-e2e"), log=log)
        gilgo_course.make_copy_hook(self.src)(spawner)
        self.assertEqual(read(os.path.join(home, "gilgo-course", "02.ipynb")), "course 02")

    def test_hook_missing_notebooks_dir(self):
        warned = []
        log = types.SimpleNamespace(info=lambda *a: None, warning=lambda *a: warned.append(a))
        home = os.path.join(self.tmp, "home", "bob")
        spawner = types.SimpleNamespace(home_dir=home, user=types.SimpleNamespace(name="bob"), log=log)
        gilgo_course.make_copy_hook(os.path.join(self.tmp, "nope"))(spawner)
        self.assertTrue(warned)
        self.assertFalse(os.path.exists(home))


if __name__ == "__main__":
    unittest.main()
