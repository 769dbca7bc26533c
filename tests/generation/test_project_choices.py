"""The project-level choices are defined once (scaffolder.spec.choices.ProjectChoices): the
vocabulary, the answers record, the template's data, a reopened project's identity and the
spec builder all read that one definition."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from scaffolder.errors import UsageError
from scaffolder.project_files import ProjectIdentity, project_identity
from scaffolder.render import render_data
from scaffolder.reopen.derive import record_snapshot
from scaffolder.spec.builder import SpecBuilder
from scaffolder.spec.choices import PROJECT_KEYS, PROJECT_SETTINGS, ProjectChoices
from scaffolder.spec.defaults import default_spec
from scaffolder.spec.edits import ProjectEdit
from scaffolder.vocabulary import parse_edit, vocabulary_help

CHOICES = {f.name: f for f in dataclasses.fields(ProjectChoices)}


def test_every_choice_is_a_key_of_the_vocabulary_parsed_by_its_setting() -> None:
    assert tuple(CHOICES) == PROJECT_KEYS
    for key in PROJECT_KEYS:
        assert PROJECT_SETTINGS[key] is CHOICES[key].metadata["setting"]
    assert parse_edit("workers", "3") == ProjectEdit("workers", 3)
    assert parse_edit("compose", "false") == ProjectEdit("compose", False)
    with pytest.raises(UsageError, match="invalid value 'conda' for installer"):
        parse_edit("installer", "conda")


# A value each project-level key accepts.
ACCEPTED = {
    "project_name": "other",
    "package_name": "other",
    "ci": "gitlab",
    "compose": "false",
    "deploy": "kubernetes",
    "workers": "2",
    "replicas": "2",
    "installer": "uv",
}


def test_set_help_names_the_project_keys_set_takes_and_no_other(
    cli, generated_projects, tmp_path
) -> None:
    """`set --help` (and the edit menu's k) lists the vocabulary: a project-level key that
    `set` takes is named there, one it refuses (naming the command that changes it) is not."""
    assert set(ACCEPTED) == set(PROJECT_KEYS)
    shop = generated_projects.copy(tmp_path / "shop")
    taken = {
        key
        for key in PROJECT_KEYS
        if cli(["set", f"{key}={ACCEPTED[key]}", "--dry-run"], "--project", shop).code == 0
    }
    assert taken == {"installer"}
    help_text = vocabulary_help()
    named = {key for key in PROJECT_KEYS if f"{key}=" in help_text}
    assert named == taken
    assert "installer=pip or uv" in help_text


def test_the_draft_starts_from_the_choices_defaults() -> None:
    draft = SpecBuilder()
    for key, choice in CHOICES.items():
        if choice.default is not dataclasses.MISSING:
            assert getattr(draft, key) == choice.default, key


def test_the_template_and_the_identity_get_every_choice() -> None:
    spec = default_spec("shop")
    data = render_data(spec)
    assert {key: data[key] for key in PROJECT_KEYS} == spec.choices()
    assert ProjectIdentity(**spec.choices()).choices() == spec.choices()


def test_the_record_keeps_each_choice_as_its_setting_says(tmp_path) -> None:
    identity = ProjectIdentity("shop", "shop", deploy="kubernetes", workers=2, replicas=3)
    record = yaml.safe_load(record_snapshot(None, {}, identity, []))
    # "always": written; "changed" at its default and absent: not written (a record made
    # before the installer choice stays as it was).
    assert {k: record[k] for k in ("ci", "compose", "deploy", "workers", "replicas")} == {
        "ci": "github",
        "compose": True,
        "deploy": "kubernetes",
        "workers": 2,
        "replicas": 3,
    }
    assert "installer" not in record
    uv = dataclasses.replace(identity, installer="uv")
    assert yaml.safe_load(record_snapshot(None, {}, uv, []))["installer"] == "uv"
    # Read back, the record gives the same choices.
    assert project_identity(tmp_path, record).choices() == {
        **identity.choices(),
        "installer": "pip",
    }
