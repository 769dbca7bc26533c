"""The templates' code shipped in the package (scaffolder/compiled_templates/) is what Jinja
generates for templates/project now, is used only for the source, Jinja and settings it was
generated for, and renders the same bytes as the templates compiled from source."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import compiled_templates, template_code
from scaffolder.render import DERIVED_FILES, _compiled, _jinja, render_data, render_direct
from scaffolder.template_source import packaged_root
from tests.deploy.support import deploy_spec
from tests.generation.cases import CASES


def _packaged() -> tuple[Any, list[str]]:
    env, folder, suffix = _jinja(packaged_root())
    return env, template_code.template_sources(folder, suffix)


@pytest.fixture
def compile_afresh() -> Iterator[None]:
    """Templates compiled anew in this test (the renderer keeps them a process), and not kept
    after it as compiled here."""
    _compiled.cache_clear()
    yield
    _compiled.cache_clear()


def test_the_shipped_code_is_what_jinja_generates_for_the_templates_now() -> None:
    env, sources = _packaged()
    expected = template_code.shipped_files(env, sources)
    shipped = template_code.read_shipped()
    assert shipped == expected, (
        f"scaffolder/compiled_templates/ is not Jinja {jinja2.__version__}'s code for "
        f"templates/project as they are: run `{template_code.REGENERATE}` and commit it "
        f"(stale or edited: {sorted(n for n in shipped if shipped[n] != expected.get(n))}, "
        f"missing: {sorted(expected.keys() - shipped.keys())})"
    )


def test_each_shipped_module_is_jinjas_own_compile_of_its_source() -> None:
    """Held to Jinja's public API, not to the generator the renderer uses: `env.compile(...,
    raw=True)`; the names it reads are those jinja2.meta finds."""
    env, sources = _packaged()
    shipped = template_code.read_shipped()
    compiled = 0
    for source in sources:
        try:
            python = env.compile(source, raw=True)
        except jinja2.TemplateError:
            assert template_code.shipped(env, source) is None
            continue
        key = template_code.code_key(env, source)
        assert shipped[f"{key}.py"] == python, source[:80]
        expected = frozenset(meta.find_undeclared_variables(env.parse(source)))
        assert compiled_templates.READS[key] == expected, source[:80]
        compiled += 1
    # Every template file and templated name Jinja compiles (not the answers file, which
    # reads copier's own filter), and the index.
    assert compiled > 30
    assert len(shipped) == len(compiled_templates.READS) + 1


def test_a_template_edited_and_not_regenerated_is_told(tmp_path: Path) -> None:
    """The comparison above sees one character changed in one template."""
    copy = tmp_path / "project"
    shutil.copytree(packaged_root(), copy)
    compose = next((copy / "template").glob("*docker-compose.yml*.jinja"))
    compose.write_text(compose.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    env, folder, suffix = _jinja(copy)
    edited = template_code.shipped_files(env, template_code.template_sources(folder, suffix))
    shipped = template_code.read_shipped()
    assert edited != shipped
    assert len(edited.keys() - shipped.keys()) == 1


def test_code_is_shipped_only_for_its_source_jinja_and_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env, sources = _packaged()
    shipped = [s for s in sources if template_code.shipped(env, s) is not None]
    assert len(set(shipped)) == len(compiled_templates.READS) > 30
    source = next(s for s in shipped if "services" in s and len(s) > 500)
    # Another source: one character more.
    assert template_code.shipped(env, source + " ") is None
    # Another setting the code depends on: blocks not trimmed, or another class.
    untrimmed = SandboxedEnvironment(keep_trailing_newline=True, lstrip_blocks=True)
    assert template_code.shipped(untrimmed, source) is None
    plain = jinja2.Environment(keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    assert template_code.shipped(plain, source) is None
    # Another Jinja.
    monkeypatch.setattr(jinja2, "__version__", "3.1.99")
    assert all(template_code.shipped(env, s) is None for s in shipped)


def _specs() -> list[tuple[str, Any]]:
    deploys = [(f"{c}-kubernetes", deploy_spec(c, "stream")) for c in ("defaults", "gitlab")]
    docker = [("mysql-docker", deploy_spec("mysql", "event_store", deploy="docker"))]
    return [(case_id, CASES[case_id].spec()) for case_id in sorted(CASES)] + deploys + docker


def test_the_derived_files_render_from_the_shipped_code_alone(
    monkeypatch: pytest.MonkeyPatch, compile_afresh: None
) -> None:
    """With the shipped code, no template is compiled from its source: Jinja's parser never
    runs."""

    def no_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a template was parsed")

    monkeypatch.setattr(jinja2.Environment, "parse", no_parse)
    for case_id, spec in _specs():
        assert render_direct(render_data(spec), DERIVED_FILES) is not None, case_id


def test_the_shipped_code_renders_what_the_source_compiled_renders(
    monkeypatch: pytest.MonkeyPatch, compile_afresh: None
) -> None:
    """Every derived file of the matrix (and deployments), byte for byte, from the shipped
    code and from the templates compiled as a Jinja without shipped code compiles them."""
    datas = [(case_id, render_data(spec)) for case_id, spec in _specs()]
    from_shipped = {case_id: render_direct(data, DERIVED_FILES) for case_id, data in datas}
    _compiled.cache_clear()
    monkeypatch.setattr(jinja2, "__version__", "3.1.99")
    generated: list[str] = []
    generate = template_code.generate

    def counted(env: Any, source: str) -> tuple[str, frozenset[str]]:
        generated.append(source)
        return generate(env, source)

    monkeypatch.setattr(template_code, "generate", counted)
    for case_id, data in datas:
        assert from_shipped[case_id] is not None, case_id
        assert render_direct(data, DERIVED_FILES) == from_shipped[case_id], case_id
    # Every template a derived file is rendered from, and their names, were compiled.
    assert len(generated) > 10
    assert {"ci.yml", ".env.example", "Dockerfile"} <= {
        path.rpartition("/")[2] for paths in from_shipped.values() if paths for path in paths
    }
