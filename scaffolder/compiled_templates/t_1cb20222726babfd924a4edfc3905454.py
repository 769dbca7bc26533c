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
    yield '"""Every configured cache returns what was put in it.\n\nThe caches are read from ``domain.toml`` when the tests are collected, so one\nadded later is tested without editing this file.\n"""\n\nfrom uuid import uuid4\n\nimport pytest\nfrom protean.core.projection import BaseProjection\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@pytest.mark.parametrize("cache_name", sorted(domain.config["caches"]))\ndef test_cache_round_trip(\n    cache_name: str, cache_probes: dict[str, type[BaseProjection]]\n) -> None:\n    probe_cls = cache_probes[cache_name]\n    cache = domain.cache_for(probe_cls)\n    view = domain.view_for(probe_cls)\n    key = str(uuid4())\n    probe = probe_cls(key=key, label=f"kept in {cache_name}")\n\n    # Seconds. Short, so an entry left by a failed run expires on its own:\n    # unlike databases and brokers, caches are not wiped between tests.\n    cache.add(probe, ttl=60)\n    assert view.get(key).to_dict() == probe.to_dict()\n\n    cache.remove(probe)\n    assert not view.exists(key)\n'

blocks = {}
debug_info = '12=13'