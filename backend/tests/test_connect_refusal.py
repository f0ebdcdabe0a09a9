import unittest

import jwt

from backend_process import BackendProcess
from helpers import AsyncTestCase
from raw_socketio import NO_ANSWER, RawSocketIOClient

API_KEY = "wg-personal-key"
DEV_SECRET = "wegent-dev-backend-secret-change-me"


class RefusalTestCase(AsyncTestCase):
    style = "message"
    env: dict = {}

    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess({"WEGENT_DEV_REFUSAL_STYLE": cls.style,
                                      "WEGENT_DEV_TOKENS": f"test-token,{API_KEY}"} | cls.env).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.backend.close()

    async def connect(self, auth: object, timeout: float = 5.0) -> tuple:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        return await client.connect(self.backend.port, auth, timeout=timeout)

    def login(self) -> str:
        return self.backend.request("POST", "/api/auth/login", {"user_name": "admin", "password": "admin"},
                                    token=None)["access_token"]


class MessageRefusalTests(RefusalTestCase):
    async def test_missing_token_is_named(self) -> None:
        self.assertEqual(await self.connect({}), ("connect_error", {"message": "Missing authentication token"}))

    async def test_bad_token_is_named(self) -> None:
        self.assertEqual(await self.connect({"token": "bad"}),
                         ("connect_error", {"message": "Invalid or expired token"}))

    async def test_bearer_prefix_is_not_stripped_by_the_server(self) -> None:
        kind, _ = await self.connect({"token": "Bearer test-token"})
        self.assertEqual(kind, "connect_error")

    async def test_static_token_and_login_jwt_are_accepted(self) -> None:
        for token in ("test-token", self.login()):
            kind, data = await self.connect({"token": token})
            self.assertEqual(kind, "connect", token)
            self.assertIn("sid", data)

    async def test_server_settings_match_the_real_backend(self) -> None:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        await client.connect(self.backend.port, {"token": "test-token"})
        self.assertEqual(client.handshake["pingInterval"], 25000)
        self.assertEqual(client.handshake["pingTimeout"], 20000)


class ResponsesRefusalTests(RefusalTestCase):
    """The newer backend's refusals (PROTOCOL-RESPONSES.md §2)."""

    def set_faults(self, **faults: bool) -> None:
        self.backend.request("PUT", "/api/dev/faults", faults)
        self.addCleanup(self.backend.request, "PUT", "/api/dev/faults", {name: False for name in faults})

    async def test_a_personal_api_key_works_as_a_token(self) -> None:
        self.assertEqual((await self.connect({"token": API_KEY}))[0], "connect")
        self.assertEqual(await self.connect({"token": "wg-unknown"}),
                         ("connect_error", {"message": "Invalid or expired API key"}))

    async def test_an_unavailable_auth_service_is_named(self) -> None:
        self.set_faults(auth_unavailable=True)
        self.assertEqual(await self.connect({"token": API_KEY}),
                         ("connect_error", {"message": "Authentication service unavailable"}))
        self.assertEqual((await self.connect({"token": "test-token"}))[0], "connect")

    async def test_a_shutting_down_server_refuses_new_connections(self) -> None:
        self.set_faults(shutting_down=True)
        self.assertEqual(await self.connect({"token": "test-token"}),
                         ("connect_error", {"message": "Server is shutting down"}))
        self.backend.request("PUT", "/api/dev/faults", {"shutting_down": False})
        self.assertEqual((await self.connect({"token": "test-token"}))[0], "connect")

    async def test_a_scoped_jwt_is_refused(self) -> None:
        scoped = jwt.encode({"sub": "admin", "scope": "skills"}, DEV_SECRET, algorithm="HS256")
        self.assertEqual(await self.connect({"token": scoped}),
                         ("connect_error", {"message": "Invalid or expired token"}))


class RateLimitTests(RefusalTestCase):
    env = {"WEGENT_DEV_CONNECT_LIMIT": "3"}

    async def test_more_attempts_than_the_limit_are_refused(self) -> None:
        # Every attempt counts, refused and successful ones alike.
        self.assertEqual((await self.connect({"token": "bad"}))[0], "connect_error")
        for _ in range(2):
            self.assertEqual((await self.connect({"token": "test-token"}))[0], "connect")
        self.assertEqual(await self.connect({"token": "test-token"}),
                         ("connect_error", {"message": "Too many device connection attempts"}))


class GenericRefusalTests(RefusalTestCase):
    style = "generic"

    async def test_reason_is_hidden(self) -> None:
        for auth in ({}, {"token": "bad"}):
            self.assertEqual(await self.connect(auth),
                             ("connect_error", {"message": "Connection refused by server"}))

    async def test_good_token_still_connects(self) -> None:
        self.assertEqual((await self.connect({"token": "test-token"}))[0], "connect")


class SilentRefusalTests(RefusalTestCase):
    style = "silent"

    async def test_bad_token_gets_no_answer(self) -> None:
        self.assertEqual(await self.connect({"token": "bad"}, timeout=2.0), ("timeout", NO_ANSWER))

    async def test_good_token_still_connects(self) -> None:
        self.assertEqual((await self.connect({"token": "test-token"}))[0], "connect")


del RefusalTestCase

if __name__ == "__main__":
    unittest.main()
