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
                got, skipped = gilgo_course.copy_missing(self.src, dst)
                self.assertEqual(sorted(got), want_copied)
                self.assertEqual(skipped, [])
                for rel, text in want.items():
                    self.assertEqual(read(os.path.join(dst, rel)), text, rel)
                self.assertFalse(os.path.exists(os.path.join(dst, ".hidden")))
                self.assertFalse(os.path.exists(os.path.join(dst, ".ipynb_checkpoints")))

    def test_links_not_followed(self):
        # A student's links below the home point outside it; nothing may be
        # created, written or chowned through them.
        cases = [
            # name, link (relative to the home) -> outside, want skipped
            ("course dir is a link", "gilgo-course", ["."]),
            ("subdir is a link", "gilgo-course/data", ["data"]),
            ("file is a link", "gilgo-course/01.ipynb", []),
            ("dangling file link", "gilgo-course/02.ipynb", []),
        ]
        for name, link, want_skipped in cases:
            with self.subTest(name):
                home = tempfile.mkdtemp(dir=self.tmp)
                outside = tempfile.mkdtemp(dir=self.tmp)
                target = outside
                if name == "file is a link":
                    target = os.path.join(outside, "passwd")
                    write(target, "root:x:0:0")
                if name == "dangling file link":
                    target = os.path.join(outside, "created-through-link")
                os.makedirs(os.path.dirname(os.path.join(home, link)), exist_ok=True)
                os.symlink(target, os.path.join(home, link))
                dst = os.path.join(home, "gilgo-course")
                _, skipped = gilgo_course.copy_missing(self.src, dst)
                self.assertEqual(skipped, want_skipped)
                if name == "file is a link":
                    self.assertEqual(read(target), "root:x:0:0")
                    self.assertEqual(os.listdir(outside), ["passwd"])
                else:
                    self.assertEqual(os.listdir(outside), [])

    @unittest.skipUnless(os.geteuid() == 0, "needs root to change users")
    def test_hook_copies_as_student(self):
        # As root, the hook copies as the student (nobody here): files are
        # theirs, and a link to a root-only directory cannot be written
        # through even if a check were missed.
        import pwd
        nobody = pwd.getpwnam("nobody")
        os.chmod(self.tmp, 0o755)
        home = os.path.join(self.tmp, "home", "nobody")
        os.makedirs(os.path.dirname(home))
        secret = os.path.join(self.tmp, "rootonly")
        os.mkdir(secret, 0o700)
        log = types.SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)
        spawner = types.SimpleNamespace(home_dir=home, user=types.SimpleNamespace(name="nobody"), log=log)
        gilgo_course.make_copy_hook(self.src)(spawner)
        got = os.path.join(home, "gilgo-course", "data", "x.csv")
        self.assertEqual(read(got), "1,2")
        self.assertEqual(os.stat(got).st_uid, nobody.pw_uid)
        self.assertEqual(os.stat(home).st_uid, nobody.pw_uid)
        # The student replaces data with a link to a root-only directory.
        os.remove(got)
        os.rmdir(os.path.dirname(got))
        os.symlink(secret, os.path.dirname(got))
        gilgo_course.make_copy_hook(self.src)(spawner)
        self.assertEqual(os.listdir(secret), [])
        self.assertEqual(os.stat(secret).st_uid, 0)

    @unittest.skipUnless(os.geteuid() == 0, "needs root to change users")
    def test_hook_takes_over_a_root_home(self):
        # A home an earlier version of the hook made as root becomes the
        # student's, so the copy as the student can write in it.
        import pwd
        nobody = pwd.getpwnam("nobody")
        os.chmod(self.tmp, 0o755)
        home = os.path.join(self.tmp, "home", "nobody")
        os.makedirs(home)
        log = types.SimpleNamespace(info=lambda *a: None, warning=lambda *a: None)
        spawner = types.SimpleNamespace(home_dir=home, user=types.SimpleNamespace(name="nobody"), log=log)
        gilgo_course.make_copy_hook(self.src)(spawner)
        self.assertEqual(os.stat(home).st_uid, nobody.pw_uid)
        self.assertEqual(read(os.path.join(home, "gilgo-course", "01.ipynb")), "course 01")

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
