import base64
import io
import unittest
import zipfile

from backend_process import BackendProcess, HttpError


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


class DownloadTests(unittest.TestCase):
    """Skills and attachments: uploaded by tests, looked up and downloaded by the executor with its task token."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.backend.close()

    def test_a_skill_is_found_by_name_and_namespace_then_downloaded_by_id(self) -> None:
        archive = _zip({"SKILL.md": "# review"})
        uploaded = self.backend.request("POST", "/api/v1/kinds/skills", {
            "name": "review", "namespace": "team-a", "zip_base64": base64.b64encode(archive).decode()})

        found = self.backend.request("GET", "/api/v1/kinds/skills?name=review&namespace=team-a")
        skill_id = found["items"][0]["metadata"]["labels"]["id"]
        status, headers, body = self.backend.request(
            "GET", f"/api/v1/kinds/skills/{skill_id}/download?namespace=team-a", raw=True)

        self.assertEqual(skill_id, str(uploaded["id"]))
        self.assertEqual(status, 200)
        self.assertEqual(body, archive)
        self.assertEqual(headers["content-type"], "application/zip")
        self.assertEqual(self.backend.request("GET", "/api/v1/kinds/skills?name=review&namespace=other")["items"], [])

    def test_an_attachment_is_downloaded_by_the_executor(self) -> None:
        uploaded = self.backend.request("POST", "/api/attachments", {
            "original_filename": "data.csv", "content_base64": base64.b64encode(b"a,b\n").decode(),
            "mime_type": "text/csv"})

        status, _, body = self.backend.request("GET", f"/api/attachments/{uploaded['id']}/executor-download", raw=True)

        self.assertEqual((status, body), (200, b"a,b\n"))
        self.assertEqual((uploaded["file_extension"], uploaded["file_size"]), ("csv", 4))

    def test_downloads_need_a_token_and_unknown_ids_are_not_found(self) -> None:
        with self.assertRaises(HttpError) as refused:
            self.backend.request("GET", "/api/attachments/1/executor-download", token=None)
        self.assertEqual(refused.exception.status, 401)
        with self.assertRaises(HttpError) as missing:
            self.backend.request("GET", "/api/attachments/999999/executor-download")
        self.assertEqual(missing.exception.status, 404)
        with self.assertRaises(HttpError) as missing_skill:
            self.backend.request("GET", "/api/v1/kinds/skills/999999/download?namespace=default")
        self.assertEqual(missing_skill.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
