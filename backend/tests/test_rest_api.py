import unittest

import jwt

from backend_process import BackendProcess, HttpError


class RestApiTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess({"WEGENT_DEV_USERS": "admin:admin,alice:secret"}).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.backend.close()

    def test_root_and_health_need_no_token(self) -> None:
        self.assertEqual(self.backend.request("GET", "/", token=None)["name"], "wegent-dev-backend")
        self.assertEqual(self.backend.request("GET", "/health", token=None), {"status": "ok"})

    def test_api_refuses_a_missing_or_wrong_token(self) -> None:
        for token in (None, "wrong"):
            with self.assertRaises(HttpError) as refused:
                self.backend.request("GET", "/api/devices", token=token)
            self.assertEqual(refused.exception.status, 401)

    def test_login_issues_a_jwt_the_api_accepts(self) -> None:
        login = self.backend.request("POST", "/api/auth/login", {"user_name": "alice", "password": "secret"},
                                     token=None)
        self.assertEqual(login["token_type"], "bearer")
        claims = jwt.decode(login["access_token"], options={"verify_signature": False})
        self.assertEqual(claims["sub"], "alice")
        self.assertAlmostEqual(claims["exp"] - claims["iat"], 24 * 3600, delta=5)
        self.assertEqual(self.backend.request("GET", "/api/tasks", token=login["access_token"]), [])

    def test_login_refuses_a_wrong_password(self) -> None:
        with self.assertRaises(HttpError) as refused:
            self.backend.request("POST", "/api/auth/login", {"user_name": "alice", "password": "nope"}, token=None)
        self.assertEqual(refused.exception.status, 401)

    def test_a_jwt_signed_with_another_secret_is_refused(self) -> None:
        forged = jwt.encode({"sub": "admin"}, "not-the-secret", algorithm="HS256")
        with self.assertRaises(HttpError) as refused:
            self.backend.request("GET", "/api/devices", token=forged)
        self.assertEqual(refused.exception.status, 401)

    def test_dispatch_without_a_connected_device_is_a_conflict(self) -> None:
        with self.assertRaises(HttpError) as refused:
            self.backend.request("POST", "/api/tasks", {"prompt": "hello"})
        self.assertEqual(refused.exception.status, 409)

    def test_every_json_answer_is_a_named_model_in_the_schema(self) -> None:
        """The REST API's bodies are typed: each JSON answer names its model (or a list of one) in /openapi.json."""
        schema = self.backend.request("GET", "/openapi.json", token=None)
        untyped = []
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                json_content = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
                answer = json_content.get("schema")
                if not answer:
                    continue  # a Response of its own: a download, the scripted model's stream
                if "$ref" not in answer and "$ref" not in answer.get("items", {}):
                    untyped.append(f"{method.upper()} {path}")
        self.assertEqual(untyped, [])
        self.assertIn("TaskView", schema["components"]["schemas"])

    def test_unknown_task_is_not_found(self) -> None:
        with self.assertRaises(HttpError) as missing:
            self.backend.request("GET", "/api/tasks/999999")
        self.assertEqual(missing.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
