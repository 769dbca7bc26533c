"""`protean-init upgrade`: a project made by an older protean-init takes the newer templates
and keeps every edit.

"The next version" is built by tests.support.next_version: a copy of the templates with changes
(a line changed in the CI workflow, compose and Dockerfile templates, a file added, a file
removed, notes) that the process renders as version 0.3.0 (scaffolder.template_source's
test-only override). Projects
made by 0.1.0 are the fixture tests/fixtures/releases/protean-init-0.1.0.json, written by
0.1.0 itself (commit bd5860b).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder import __version__
from scaffolder.generated_record import RECORD_DIR, recorded_name
from scaffolder.project_files import ANSWERS_FILE, GITHUB_WORKFLOW
from scaffolder.redact import redact_file
from scaffolder.template_source import TEST_TEMPLATES_ENV, TEST_VERSION_ENV
from scaffolder.variable_reference import VariableReference
from tests.support.next_version import (
    ADDED,
    ADDED_TEXT,
    DOCKERFILE_TEMPLATE,
    NEXT,
    NOTE,
    REMOVED,
    TEMPLATE,
    edit_lines,
    edit_template_lines,
    next_version,
)
from tests.support.validators import assert_compose_valid, assert_github_workflow_valid

from .support import REPO, snapshot

RELEASE_0_1_0 = REPO / "tests" / "fixtures" / "releases" / "protean-init-0.1.0.json"


@pytest.fixture
def run_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Makes this process protean-init 0.3.0, rendering the next version's templates."""

    def switch() -> None:
        monkeypatch.setenv(TEST_TEMPLATES_ENV, str(next_version(tmp_path)))
        monkeypatch.setenv(TEST_VERSION_ENV, NEXT)

    return switch


def edit_as_a_user(root: Path) -> None:
    """A comment, a CI step, a compose service, a deleted .dockerignore, a README paragraph."""
    with (root / "src/shop/domain.py").open("a") as f:
        f.write("# Our own note about the domain.\n")
    with (root / GITHUB_WORKFLOW).open("a") as f:
        f.write("      - name: Our own step\n        run: echo ours\n")
    compose = root / "docker-compose.yml"
    compose.write_text(
        compose.read_text().replace(
            "services:\n", "services:\n  mailpit:\n    image: axllent/mailpit:v1.20\n", 1
        )
    )
    (root / ".dockerignore").unlink()
    with (root / "README.md").open("a") as f:
        f.write("\nOur team's paragraph about deploying.\n")


def assert_user_edits_kept(root: Path) -> None:
    assert (root / "src/shop/domain.py").read_text().endswith("# Our own note about the domain.\n")
    assert (
        "      - name: Our own step\n        run: echo ours\n"
        in (root / GITHUB_WORKFLOW).read_text()
    )
    assert (
        "  mailpit:\n    image: axllent/mailpit:v1.20\n"
        in (root / "docker-compose.yml").read_text()
    )
    assert not (root / ".dockerignore").exists()
    assert "Our team's paragraph about deploying." in (root / "README.md").read_text()


def assert_template_changes_arrived(root: Path) -> None:
    workflow = (root / GITHUB_WORKFLOW).read_text()
    assert "actions/checkout@v9" in workflow and not re.search(r"checkout@v(?!9)", workflow)
    compose = (root / "docker-compose.yml").read_text()
    assert "interval: 3s" in compose and "interval: 5s" not in compose
    assert (root / "Dockerfile").read_text().startswith("# syntax=docker/dockerfile:1.7\n")
    assert (root / ADDED).read_text() == ADDED_TEXT
    assert not (root / REMOVED).exists()


def test_an_edited_project_takes_every_template_change_and_keeps_every_edit(
    generated, cli, run_next
) -> None:
    root = generated()
    edit_as_a_user(root)
    run_next()

    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    assert_template_changes_arrived(root)
    assert_user_edits_kept(root)
    assert_github_workflow_valid(root / GITHUB_WORKFLOW)
    assert_compose_valid(root / "docker-compose.yml")
    answers = (root / ANSWERS_FILE).read_text()
    assert f"_template: protean-init {NEXT}\n" in answers
    # Per file what happened, the base used, and the version's notes.
    for outcome, path in [
        ("merged", GITHUB_WORKFLOW),
        ("merged", "docker-compose.yml"),
        ("updated", "Dockerfile"),
        ("added", ADDED),
        ("removed", REMOVED),
        ("kept deleted", ".dockerignore"),
        # The README names the protean-init it was made with (its install line): that line
        # is the new version's, the user's paragraph stays.
        ("merged", "README.md"),
    ]:
        assert re.search(rf"^  {re.escape(outcome)} +{re.escape(path)}$", result.out, re.M), (
            outcome,
            path,
            result.out,
        )
    assert f"the record of what protean-init {__version__} generated" in result.err
    assert NOTE in result.out
    # The record now holds what 0.3.0 generates: the next upgrade's base.
    assert (root / recorded_name(ADDED)).read_text() == ADDED_TEXT
    assert not (root / recorded_name(REMOVED)).exists()
    assert (root / recorded_name(".dockerignore")).is_file()

    # A second upgrade changes nothing, not a byte nor a modification time.
    before = snapshot(root)
    again = cli("upgrade --project", root)
    assert again.code == 0, again.err
    assert snapshot(root) == before
    assert f"Up to date with protean-init {NEXT}" in again.out


def test_an_untouched_project_becomes_what_the_next_version_generates(
    generated, cli, run_next, tmp_path: Path
) -> None:
    root = generated()
    run_next()
    assert cli("upgrade --project", root).code == 0
    fresh = tmp_path / "fresh" / "shop"
    assert cli("new", fresh, "--defaults").code == 0
    assert files_of(root) == files_of(fresh)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ANSWERS_FILE
    }


def test_an_edit_on_a_changed_line_is_a_conflict_and_nothing_is_written(
    generated, cli, run_next
) -> None:
    root = generated()
    edit_as_a_user(root)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("dockerfile:1\n", "dockerfile:1.4\n", 1))
    run_next()
    before = snapshot(root)

    result = cli("upgrade --project", root)

    assert result.code == 1
    assert snapshot(root) == before
    assert "--- Dockerfile (conflict)" in result.err
    assert "<<<<<<< yours\n# syntax=docker/dockerfile:1.4\n" in result.err
    assert re.search(r"^  conflict +Dockerfile$", result.err, re.M)

    # --force takes the new line there; every other edit stays, every other change arrives.
    forced = cli("upgrade --force --project", root)
    assert forced.code == 0, forced.err
    assert_template_changes_arrived(root)
    assert_user_edits_kept(root)


def test_dry_run_shows_every_diff_and_writes_nothing(generated, cli, run_next) -> None:
    root = generated()
    edit_as_a_user(root)
    run_next()
    before = snapshot(root)

    result = cli("upgrade --dry-run --project", root)

    assert result.code == 0, result.err
    assert snapshot(root) == before
    assert "+      - uses: actions/checkout@v9" in result.out
    assert "+      interval: 3s" in result.out
    assert "+# syntax=docker/dockerfile:1.7" in result.out
    assert f"--- new file: {ADDED}" in result.out
    assert f"--- deleted: {REMOVED}" in result.out
    assert "+_template: protean-init 0.3.0" in result.out
    assert RECORD_DIR not in result.out  # the record follows; it is not shown


def test_a_refresh_at_the_same_version_says_so(generated, cli) -> None:
    """After `ci --ci gitlab` the README no longer says what the choices make; upgrade at the
    version that made the files refreshes it, and says that, not "from 0.2.0 to 0.2.0"."""
    root = generated()
    assert cli("ci --ci gitlab --project", root).code == 0

    shown = cli("upgrade --dry-run --project", root)
    result = cli("upgrade --project", root)

    assert shown.code == 0 and result.code == 0, result.err
    for outcome, verb in ((shown, "Refresh"), (result, "Refreshed")):
        assert f"{verb} with protean-init {__version__}, the version that made" in outcome.out
        assert f"from protean-init {__version__} to" not in outcome.out
    assert "updated  README.md" in result.out
    assert "protean-init check --format gitlab" in (root / "README.md").read_text()
    assert f"Up to date with protean-init {__version__}" in cli("upgrade --project", root).out


def test_derive_after_a_template_change_takes_it(generated, cli, run_next) -> None:
    """The merge base of derive (and every edit) is what was generated, not the snapshot
    rendered by today's templates: with those, an untouched CI file differs from the base by
    the template change reversed, and the change never arrives."""
    root = generated()
    with (root / GITHUB_WORKFLOW).open("a") as f:
        f.write("      - name: Our own step\n        run: echo ours\n")
    run_next()

    result = cli("derive --project", root)

    assert result.code == 0, result.err
    workflow = (root / GITHUB_WORKFLOW).read_text()
    assert "actions/checkout@v9" in workflow and "checkout@v6" not in workflow
    assert "Our own step" in workflow
    assert "interval: 3s" in (root / "docker-compose.yml").read_text()


# --- projects made by 0.1.0 ------------------------------------------------------------------


def release_project(tmp_path: Path, name: str) -> Path:
    """A project as protean-init 0.1.0 wrote it (the fixture)."""
    files = json.loads(RELEASE_0_1_0.read_text())[name]
    root = tmp_path / "v0.1.0" / name
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["shop", "depot", "store"])
def test_the_shipped_0_1_0_templates_reproduce_what_0_1_0_wrote(tmp_path: Path, name) -> None:
    """The base of a 0.1.0 project is really what 0.1.0 wrote, byte for byte: the shipped
    templates rendered from its answers record give the fixture's every file back (store's
    derived files: an edit since changed its recorded choices, which its README and tests,
    written once, do not follow)."""
    from scaffolder.render import DERIVED_FILES
    from scaffolder.reopen.project import open_project
    from scaffolder.reopen.upgrade import _generated_then

    root = release_project(tmp_path, name)
    base, line = _generated_then(open_project(root), "0.1.0", {})
    assert "protean-init 0.1.0 generates" in line
    expected = {k: v for k, v in on_disk(root).items() if k not in ("domain.toml", ANSWERS_FILE)}
    if name == "store":
        base = {k: v for k, v in base.items() if k in DERIVED_FILES}
        expected = {k: v for k, v in expected.items() if k in DERIVED_FILES}
        assert len(expected) == 5  # compose, CI, .env.example, Dockerfile, .dockerignore
    assert base == expected


@pytest.mark.parametrize("name", ["shop", "depot", "store"])
def test_a_0_1_0_project_upgrades_to_this_version(tmp_path: Path, cli, name) -> None:
    root = release_project(tmp_path, name)
    result = cli("upgrade --project", root)
    assert result.code == 0, result.err
    assert "base: what protean-init 0.1.0 generates for this project" in result.err
    assert f"_template: protean-init {__version__}\n" in (root / ANSWERS_FILE).read_text()
    # Unedited, every owned file is now what this version generates (its record); store's
    # README keeps what was written for it at first, as a user's edit would be kept.
    record = on_disk(root / RECORD_DIR)
    assert record
    for relative, content in record.items():
        if not (name == "store" and relative == "README.md"):
            # Secrets masked in the record (the answers record's rule; Python code is code).
            masked = redact_file(relative, (root / relative).read_text())
            assert masked.encode() == content, relative
    before = snapshot(root)
    assert cli("upgrade --project", root).code == 0
    assert snapshot(root) == before


def test_an_edited_0_1_0_project_upgrades_to_the_next_version(tmp_path: Path, cli, run_next):
    root = release_project(tmp_path, "shop")
    edit_as_a_user(root)
    run_next()

    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    assert_template_changes_arrived(root)
    assert_user_edits_kept(root)
    assert_github_workflow_valid(root / GITHUB_WORKFLOW)
    assert f"_template: protean-init {NEXT}\n" in (root / ANSWERS_FILE).read_text()


def test_derive_on_a_0_1_0_project_takes_a_template_change(tmp_path: Path, cli, run_next):
    root = release_project(tmp_path, "shop")
    run_next()
    result = cli("derive --project", root)
    assert result.code == 0, result.err
    assert "actions/checkout@v9" in (root / GITHUB_WORKFLOW).read_text()


def test_an_edit_of_a_line_the_record_once_masked_is_kept(generated, cli) -> None:
    """Python code (`key = str(uuid4())`) and the compose server's local password are no
    secrets: the record holds them as generated. Masked, the base of the merge took the
    user's edit of such a line for the generated line, and the upgrade put the generated
    line back over it."""
    root = generated()
    edits = {
        "tests/test_caches.py": ("    key = str(uuid4())\n", "    key = uuid4().hex\n"),
        "docker-compose.yml": ('POSTGRES_PASSWORD: "postgres"', 'POSTGRES_PASSWORD: "devpass"'),
    }
    for relative, (generated_line, _) in edits.items():
        assert generated_line in (root / recorded_name(relative)).read_text()
    for relative, (old, new) in edits.items():
        path = root / relative
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    before = snapshot(root)

    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    assert snapshot(root) == before, result.out


MANIFEST = "deploy/kubernetes/base/deployment.yaml"
SECRET_KEY_LINE = "                  key: DATABASE_URL\n"


@pytest.mark.parametrize("command", ["upgrade", "derive"])
@pytest.mark.parametrize("edit", ["the secret's key renamed", "a line beside it"])
def test_an_edit_of_a_kubernetes_manifest_is_kept_and_its_secret_keys_untouched(
    generated, cli, run_next, command: str, edit: str
) -> None:
    """`key: DATABASE_URL` under a `secretKeyRef` names the key of the Secret to read, no
    secret: the record holds it as generated. Masked (`key: ***`), the merge base took the
    user's renamed key for the generated line, and the upgrade put `key: DATABASE_URL` back
    over it; an edit elsewhere in the manifest leaves every secretKeyRef line as it is."""
    root = generated()
    assert cli("deploy kubernetes --project", root).code == 0
    manifest = root / MANIFEST
    generated_text = manifest.read_text()
    assert generated_text.count(SECRET_KEY_LINE) == 2
    if edit == "the secret's key renamed":
        edited = generated_text.replace(SECRET_KEY_LINE, "                  key: database-url\n")
    else:
        edited = generated_text.replace(
            "            - name: PROTEAN_ENV\n",
            "            - name: TZ\n              value: UTC\n            - name: PROTEAN_ENV\n",
        )
    assert edited != generated_text
    manifest.write_text(edited)
    run_next()

    result = cli(f"{command} --project", root)

    assert result.code == 0, result.out + result.err
    assert manifest.read_text() == edited, result.out


@pytest.mark.parametrize("edited", [False, True], ids=["untouched", "key renamed"])
def test_a_record_that_masked_the_secret_keys_never_reverts_a_renamed_one(
    generated, cli, run_next, edited: bool
) -> None:
    """A record written before the key names were shown holds `key: ***`: the generated
    line cannot be read back from it. It is never taken from the user's line (which made
    the user's renamed key look generated, and the upgrade reverted it): an untouched
    manifest upgrades cleanly, a renamed key is kept or a conflict, never silently undone."""
    root = generated()
    assert cli("deploy kubernetes --project", root).code == 0
    record = root / recorded_name(MANIFEST)
    old_record, count = re.subn(r"(?m)^( +key: )[A-Z_]+$", r"\1***", record.read_text())
    assert count == 8  # every secretKeyRef's key, as 0.2.0 before the fix wrote them
    record.write_text(old_record)
    manifest = root / MANIFEST
    text = manifest.read_text()
    if edited:
        text = text.replace(SECRET_KEY_LINE, "                  key: database-url\n")
        manifest.write_text(text)
    run_next()

    result = cli("upgrade --project", root)

    if edited and result.code == 1:
        assert re.search(rf"^  conflict +{re.escape(MANIFEST)}$", result.err, re.M), result.err
    else:
        assert result.code == 0, result.out + result.err
    assert manifest.read_text() == text, result.out


# --- refusals --------------------------------------------------------------------------------


def test_refusals_are_one_line_and_write_nothing(generated, cli, guide_project) -> None:
    result = cli("upgrade --project", guide_project)
    assert result.code == 2 and "not made by protean-init" in result.err

    root = generated()
    answers = root / ANSWERS_FILE
    text = answers.read_text()
    for template, said in [
        ("protean-init 9.0.0", "newer than this"),
        ("cookiecutter 1.0", "expected 'protean-init X.Y.Z'"),
    ]:
        answers.write_text(text.replace(f"protean-init {__version__}", template))
        before = snapshot(root)
        result = cli("upgrade --project", root)
        assert result.code == 2 and said in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert snapshot(root) == before


def test_a_project_protean_init_only_edited_is_refused_in_one_line(
    protean_new_project, cli
) -> None:
    """A `protean new` project an edit adopted has an answers record but no `_template`: it
    was not made from protean-init's templates, so there is no base to upgrade from. One
    line says so and what to run instead (derive), never the record's internals."""
    root = protean_new_project
    assert cli("add-database reports --provider postgresql --project", root).code == 0
    before = snapshot(root)

    result = cli("upgrade --project", root)

    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "not made from protean-init's templates" in result.err
    assert "protean-init derive" in result.err
    assert "_template" not in result.err and "None" not in result.err
    assert snapshot(root) == before


# --- random template edits x random user edits ----------------------------------------------

README_TEMPLATE = "README.md.jinja"
# Template files and the project file each renders; their plain lines (no Jinja) are edited.
EDITED = {README_TEMPLATE: "README.md", DOCKERFILE_TEMPLATE: "Dockerfile"}


@st.composite
def _edits(draw: st.DrawFn) -> list[tuple[int, str]]:
    kinds = st.sampled_from(["replace", "insert", "delete"])
    return draw(st.lists(st.tuples(st.integers(0, 200), kinds), max_size=3))


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template_edits=_edits(), user_edits=_edits(), which=st.sampled_from(sorted(EDITED)))
def test_random_template_edits_and_random_user_edits(
    generated_projects, cli, template_edits, user_edits, which
) -> None:
    """Whatever the edits: a conflict writes nothing; a clean upgrade holds every line the
    new templates changed and every line the user changed, and a second run is a no-op."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = Path(tmp)
        root = folder / "shop"
        generated_projects.copy(root)
        templates = next_version(folder, changes={})
        template = templates / TEMPLATE / which
        edit_template_lines(template, template_edits)
        target = root / EDITED[which]
        target.write_text(
            "".join(edit_lines(target.read_text().splitlines(keepends=True), user_edits, "U"))
        )
        yours = target.read_text()
        patch.setenv(TEST_TEMPLATES_ENV, str(templates))
        patch.setenv(TEST_VERSION_ENV, NEXT)
        before = snapshot(root)

        result = cli("upgrade --project", root)

        assert result.code in (0, 1), result.err
        if result.code == 1:
            assert "(conflict)" in result.err and EDITED[which] in result.err
            assert snapshot(root) == before
            return
        theirs = (root / recorded_name(EDITED[which])).read_text()
        merged = target.read_text()
        for line in theirs.splitlines():
            if line.startswith("T-"):
                assert line in merged.splitlines(), (line, merged)
        for line in yours.splitlines():
            if line.startswith("U-"):
                assert line in merged.splitlines(), (line, merged)
        if not user_edits:
            assert merged == theirs
        if not template_edits:
            # The one change the next version itself brings: the README names the
            # protean-init that made it.
            assert merged == yours.replace(f"protean-init {__version__})", f"protean-init {NEXT})")
        after = snapshot(root)
        assert cli("upgrade --project", root).code == 0
        assert snapshot(root) == after


# --- the record is untrusted -----------------------------------------------------------------


def test_a_planted_record_never_deletes_a_file_of_the_users(generated, cli, run_next) -> None:
    """A record naming a file of the user's, with its exact content, as if generated: the
    next version does not generate it, yet it is not removed (only a file the older version's
    own templates generate can be)."""
    root = generated()
    own = root / "src/shop/pricing.py"
    own.write_text("RATE = 3\n")
    planted = root / recorded_name("src/shop/pricing.py")
    planted.write_text("RATE = 3\n")
    run_next()

    result = cli("upgrade --project", root)

    assert result.code == 0, result.err
    assert own.read_text() == "RATE = 3\n"
    assert re.search(
        r"^  kept yours \(no longer generated\) +src/shop/pricing.py$", result.out, re.M
    )
    assert not (root / REMOVED).exists()  # the template's own removal still happens


def test_a_linked_record_is_refused_naming_the_link(generated, cli, run_next, tmp_path):
    root = generated()
    outside = tmp_path / "outside"
    shutil.copytree(root / RECORD_DIR, outside)
    shutil.rmtree(root / RECORD_DIR)
    (root / RECORD_DIR).symlink_to(outside, target_is_directory=True)
    run_next()
    before = snapshot(root)
    result = cli("upgrade --project", root)
    # Named as the link it is, not taken for a record that is missing (the twelfth stop).
    assert result.code == 2 and f"{root / RECORD_DIR} is a symlink" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(root) == before


def test_a_password_in_a_conflict_is_never_printed(generated, cli, run_next) -> None:
    """The conflict report and the summary are masked, whatever the record or the file hold."""
    root = generated()
    workflow = root / GITHUB_WORKFLOW
    secret = "postgresql://app:S9upgradePW@db.example.com/shop"
    text = re.sub(r"(uses: actions/checkout@)v\d+", rf"\1v5 # {secret}", workflow.read_text())
    workflow.write_text(text)
    run_next()
    result = cli("upgrade --project", root)
    assert result.code == 1
    assert "S9upgradePW" not in result.out + result.err
    assert "app:***@db.example.com" in result.err


def test_a_symlink_planted_in_the_record_is_refused(generated, cli, tmp_path) -> None:
    """A link inside the record's folder would take the record's writes outside the project:
    upgrade and every edit refuse, one line, nothing written."""
    root = generated()
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / RECORD_DIR / ".github")
    (root / RECORD_DIR / ".github").symlink_to(outside, target_is_directory=True)
    (root / GITHUB_WORKFLOW).write_text((root / GITHUB_WORKFLOW).read_text() + "# ours\n")
    before = snapshot(root)
    for command in ("upgrade --project", "derive --project"):
        result = cli(command, root)
        assert result.code == 2, (command, result.err)
        assert "symlink" in result.err and len(result.err.strip().splitlines()) == 1
        assert snapshot(root) == before
        assert not any(outside.iterdir())


def test_the_summary_offers_the_upgrade_to_an_older_project(tmp_path: Path, cli, generated):
    old = cli("edit --ui none --project", release_project(tmp_path, "shop"))
    assert old.code == 0, old.err
    assert f"Made by protean-init 0.1.0: protean-init upgrade takes {__version__}" in old.out
    current = cli("edit --ui none --project", generated())
    assert current.code == 0 and "protean-init upgrade" not in current.out


@pytest.mark.parametrize(
    "uri",
    [
        # Protean reads any name between `${` and `|` (scaffolder.variable_reference).
        "${ DB-PASS |secret}",
        # A credential variable's default: the record masks it whole.
        "${DB_PASSWORD|postgresql://u:pw@localhost/x}",
        "${ R-URL |postgresql://postgres:postgres@localhost:5432/shop}",
    ],
)
@pytest.mark.parametrize("next_release", [False, True])
def test_upgrade_reads_the_record_an_edit_wrote(
    generated, cli, run_next, uri: str, next_release: bool
) -> None:
    """The record's connections are domain.toml's as Protean reads it (a name with spaces and
    '-', a default masked whole): upgrade reads them as derive does, where it refused its own
    record ('invalid variable name', 'has a masked password'; the attack round of the twelfth
    stop)."""
    root = generated()
    config = root / "domain.toml"
    config.write_text(
        f'{config.read_text()}\n[databases.r10]\nprovider = "postgresql"\ndatabase_uri = "{uri}"\n'
    )
    assert cli("derive --force --project", root).code == 0
    if next_release:
        run_next()
    dry = cli("upgrade --dry-run --project", root)
    assert dry.code == 0, dry.err
    assert cli("upgrade --project", root).code == 0
    # The derived files read the variable as derive does: a name no shell can set is not in
    # .env.example (check reports it: malformed-placeholder). The README, rendered from the
    # record's choices, names it as the record does.
    reference = VariableReference.parse(uri[2:-1])
    listed = reference.settable
    assert (f"# {reference.name}=" in (root / ".env.example").read_text()) is listed
    assert f"`{reference.name}`" in (root / "README.md").read_text()
    assert not [p for p in root.rglob("*") if p.is_file() and b"STAND_IN" in p.read_bytes()]
    assert cli("derive --dry-run --project", root).code == 0
