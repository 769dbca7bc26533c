"""The Review step's warnings: pure functions of the spec."""

from __future__ import annotations

from dataclasses import replace

from scaffolder.catalog import Role
from scaffolder.spec import EnvironmentSpec, Slot
from scaffolder.ui.risks import inline_password, spec_risks

DATABASE = Slot(Role.DATABASE, "default")
BROKER = Slot(Role.BROKER, "default")


def test_the_default_layout_is_not_risky(initial):
    assert spec_risks(initial) == []


def test_production_on_an_in_memory_provider(initial):
    production = initial.environments["production"]
    providers = {**production.providers, DATABASE: "memory"}
    spec = initial.with_environment("production", replace(production, providers=providers))
    (risk,) = spec_risks(spec)
    assert risk.startswith("production uses the in-memory database 'memory'")


def test_production_inheriting_an_in_memory_base(initial):
    spec = initial.with_environment("production", EnvironmentSpec())
    risks = spec_risks(spec)
    assert len(risks) == 4
    assert all(r.startswith("production uses the in-memory") for r in risks)


def test_a_memory_overlay_that_is_not_all_in_memory(initial):
    memory = initial.environments["memory"]
    spec = initial.with_environment(
        "memory", replace(memory, providers={**memory.providers, BROKER: "redis"})
    )
    (risk,) = spec_risks(spec)
    assert "memory overlay uses 'redis' for brokers.default" in risk


def test_a_password_for_a_remote_server_as_a_local_default(initial):
    url = "postgresql://app:s3cret@db.example.com:5432/shop"
    spec = replace(initial, local_urls={DATABASE: url})
    (risk,) = spec_risks(spec)
    assert "holds a password for a server that is not local" in risk
    assert "DATABASE_URL" in risk


def test_local_development_passwords_are_fine(initial):
    spec = replace(initial, local_urls={DATABASE: "postgresql://u:pw@localhost/shop"})
    assert spec_risks(spec) == []


def test_inline_password():
    assert inline_password("postgresql://u:pw@host/db")
    assert inline_password("redis://:pw@host:6379/0")
    assert not inline_password("postgresql://u@host/db")
    assert not inline_password("${DATABASE_URL}")
    assert not inline_password("postgresql://${USER}:${PASSWORD}@host/db")
    assert not inline_password("sqlite:///shop.db")
