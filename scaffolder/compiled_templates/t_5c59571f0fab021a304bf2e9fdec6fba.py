from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_package_name = resolve('package_name')
    pass
    yield '"""Every configured database stores and loads an aggregate.\n\nThe databases are read from ``domain.toml`` when the tests are collected, so\none added later (``[databases.reports]``) is tested without editing this file.\nProtean always adds a ``memory`` database next to yours; it is listed too.\n"""\n\nimport pytest\nfrom protean.core.aggregate import BaseAggregate\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@pytest.mark.parametrize("database", sorted(domain.config["databases"]))\ndef test_database_round_trip(\n    database: str, database_probes: dict[str, type[BaseAggregate]]\n) -> None:\n    if not domain.providers[database].managed:\n        pytest.skip("managed = false: its tables are not Protean\'s to create")\n    probe_cls = database_probes[database]\n    repository = domain.repository_for(probe_cls)\n\n    probe = probe_cls(label=f"kept in {database}")\n    repository.add(probe)\n\n    assert repository.get(probe.id).label == f"kept in {database}"\n'

blocks = {}
debug_info = '11=13'