from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_project_name = resolve('project_name')
    l_0_package_name = resolve('package_name')
    pass
    yield '"""'
    yield str((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name))
    yield ': a domain built with Protean.\n\nThe domain object lives in ``'
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain``. This initializer stays\nfree of imports on purpose: ``domain.init()`` imports every module under the\npackage itself, and an import here could run half-initialised modules first.\n"""\n'

blocks = {}
debug_info = '1=14&3=16'