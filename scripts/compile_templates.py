"""Regenerate scaffolder/compiled_templates/: Jinja's code for every template of
templates/project, shipped in the package so that an edit does not compile the templates it
renders (scaffolder.template_code). Run it after editing a template or upgrading Jinja;
tests/test_template_code.py fails until then.

    .venv/bin/python scripts/compile_templates.py
"""

from __future__ import annotations

from scaffolder import template_code
from scaffolder.render import _jinja
from scaffolder.template_source import packaged_root


def main() -> None:
    env, folder, suffix = _jinja(packaged_root())
    files = template_code.shipped_files(env, template_code.template_sources(folder, suffix))
    template_code.write_shipped(files)
    print(f"{len(files) - 1} templates' code in {template_code.SHIPPED_FOLDER}")


if __name__ == "__main__":
    main()
