"""Fixtures of the knowledge tests."""

import shutil

import pytest

from service.knowledge.loader import default_root


@pytest.fixture()
def data_copy(tmp_path):
    """A writable copy of the shipped data."""
    root = tmp_path / "data"
    shutil.copytree(str(default_root()), root)
    return root
