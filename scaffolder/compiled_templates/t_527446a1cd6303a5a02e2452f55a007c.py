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
    yield '"""The domain: the object every aggregate, event and handler registers with.\n\nConfiguration comes from ``domain.toml`` at the project root. Protean looks for\nit next to this file and up to two folders above (``src/'
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '``,\n``src``, then the root), so this module has to stay two levels below the root,\nand the project has to be installed in editable mode (``pip install -e .``):\nan installed copy in site-packages would find no ``domain.toml`` and silently\nrun on Protean\'s in-memory defaults.\n\n``PROTEAN_ENV`` selects an overlay of ``domain.toml`` (``[production]``,\n``[test]``, ``[memory]``). It is read here, once, when the domain is built, so\nit must be set before this module is first imported.\n"""\n\nfrom protean import Domain\n\n# The name prefixes stream names in the event store (``'
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '::customer-<id>``),\n# so it is an identifier rather than the display name: renaming it later\n# orphans the events already stored under the old prefix.\ndomain = Domain(name="'
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '")\n'

blocks = {}
debug_info = '4=13&17=15&20=17'