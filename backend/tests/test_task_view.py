import unittest

from backend_process import BackendProcess, HttpError


class TaskViewTests(unittest.TestCase):
    """The live task view is static: served without a token, it reads tasks through the REST API with the user's."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.backend.close()

    def test_the_page_and_its_script_are_served_without_a_token(self) -> None:
        status, headers, page = self.backend.request("GET", "/dev/tasks", token=None, raw=True)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn(b'data-testid="sign-in"', page)
        self.assertIn(b'src="/dev/tasks/tasks.js"', page)
        status, headers, script = self.backend.request("GET", "/dev/tasks/tasks.js", token=None, raw=True)
        self.assertTrue(headers["content-type"].startswith("text/javascript"))
        self.assertIn(b'api(`/api/tasks/${selectedTask}?events=false`)', script)
        self.assertNotIn(b"innerHTML", script)

    def test_only_its_own_assets_are_served(self) -> None:
        for asset in ("main.py", "..%2F__init__.py", "tasks.html"):
            with self.assertRaises(HttpError) as refused:
                self.backend.request("GET", "/dev/tasks/" + asset, token=None, raw=True)
            self.assertEqual(refused.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
