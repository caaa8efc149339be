"""Under CI=true a test skipped because a service is missing fails; other skips stay skips."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
HOOK = (Path(__file__).parents[1] / "conftest.py").read_text(encoding="utf-8")
HOOK = "import os\nimport pytest\n" + HOOK[HOOK.index("SERVICE_SKIP_WORDS"):]
TESTS = '''
import pytest
def test_needs_broker():
    pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
def test_needs_postgres():
    pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432: refused")
def test_optional():
    pytest.skip("only meaningful on aarch64")
'''


@pytest.mark.parametrize("ci, failed, skipped", [("true", 2, 1), ("", 0, 3)])
def test_missing_service_fails_only_under_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                             ci: str, failed: int, skipped: int) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makeconftest(HOOK)
    pytester.makepyfile(test_services=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=failed, skipped=skipped)
    if failed:
        result.stdout.fnmatch_lines(["*CI=true: a required service is missing*mosquitto*"])
