import unittest

from backend_process import BackendProcess
from helpers import AsyncTestCase
from raw_socketio import NO_ANSWER, RawSocketIOClient


class RefusalTestCase(AsyncTestCase):
    style = "message"

    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess({"WEGENT_DEV_REFUSAL_STYLE": cls.style}).start()

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
