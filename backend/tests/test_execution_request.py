import sys
import unittest

from backend_process import BACKEND_DIR

sys.path.insert(0, str(BACKEND_DIR))
from app.execution_request import mcp_server_list  # noqa: E402

SERVER = {"command": "sh", "args": ["-c", "true"]}


class McpServerListTests(unittest.TestCase):
    def test_a_map_becomes_a_list_of_named_servers(self) -> None:
        self.assertEqual(mcp_server_list({"fs": SERVER}), [{"name": "fs"} | SERVER])

    def test_a_map_wrapped_as_in_a_claude_code_config_file_is_unwrapped(self) -> None:
        for wrapper in ("mcpServers", "mcp_servers"):
            self.assertEqual(mcp_server_list({wrapper: {"fs": SERVER}}), [{"name": "fs"} | SERVER], wrapper)

    def test_a_list_keeps_its_servers_and_drops_what_is_not_one(self) -> None:
        self.assertEqual(mcp_server_list([{"name": "fs"}, "junk", None]), [{"name": "fs"}])
        self.assertEqual(mcp_server_list(None), [])


if __name__ == "__main__":
    unittest.main()
