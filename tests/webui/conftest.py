import pytest

from webui import create_app


@pytest.fixture
def app(sample_archive_dir):
    return create_app({"ARCHIVE": str(sample_archive_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
