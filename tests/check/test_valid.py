"""Hand-written valid configs check clean: keys Protean accepts beyond what protean-init
writes ([custom], [server], [logging], SQLAlchemy engine options, redis pool options), every
connection-string form the providers open, and a deploy's variables as it would set them.
The same config with the variables pointing at the wrong servers is an error, so "clean" is
not a rule that never fires."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffolder.check import check_project, format_text

VALID = Path(__file__).parent / "valid"

PRODUCTION = {
    "DATABASE_URL": "postgresql://app:secret@db.internal:5432/acme",
    "REPORTS_USER": "reports",
    "REPORTS_PASSWORD": "secret",
    "SEARCH_URL": "https://search.internal:9200",
    "LEGACY_DATABASE_URL": "mysql+pymysql://app:secret@mysql.internal:3306/acme",
    "WAREHOUSE_DATABASE_URL": "mssql+pyodbc://app:secret@mssql.internal:1433/acme"
    "?driver=ODBC+Driver+18+for+SQL+Server",
    "BROKER_URL": "rediss://:secret@redis.internal:6380/0",
    "SECRET_KEY": "production-secret",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(VALID / "extras.toml", tmp_path / "domain.toml")
    return tmp_path


def test_every_environment_is_clean(project):
    findings = check_project(project, environ={})
    assert findings == [], format_text(findings)


def test_production_with_its_variables_is_clean(project):
    findings = check_project(project, ["production"], environ=PRODUCTION)
    assert findings == [], format_text(findings)


def test_the_same_variables_on_the_wrong_servers_are_errors(project):
    swapped = {
        **PRODUCTION,
        "DATABASE_URL": PRODUCTION["BROKER_URL"],
        "SEARCH_URL": "localhost",
        "LEGACY_DATABASE_URL": "mysql://app:secret@mysql.internal:3306/acme",
        "WAREHOUSE_DATABASE_URL": "sqlite:///warehouse.db",
        "BROKER_URL": "postgresql://db.internal/acme",
    }
    findings = check_project(project, ["production"], environ=swapped)
    got = sorted((f.severity, f.code, f.env) for f in findings)
    assert got == [
        ("error", "malformed-url", "production"),
        ("error", "wrong-url-scheme", "production"),
        ("error", "wrong-url-scheme", "production"),
        ("error", "wrong-url-scheme", "production"),
        # mysql:// needs MySQLdb, which protean[mysql] does not install: fails at connect.
        ("error", "wrong-url-scheme", "production"),
    ], format_text(findings)
    text = format_text(findings)
    for secret in ("secret",):
        assert secret not in text  # values from the environment are never printed
