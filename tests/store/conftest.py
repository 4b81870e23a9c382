"""Fixtures shared by the store tests."""

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the test module's ``template`` library, to damage or write."""
    target = tmp_path / "lib"
    shutil.copytree(template, target)
    return target
