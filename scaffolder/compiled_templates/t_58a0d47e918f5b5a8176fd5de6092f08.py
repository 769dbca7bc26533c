from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_ci = resolve('ci')
    pass
    if ((undefined(name='ci') if l_0_ci is missing else l_0_ci) == 'gitlab'):
        pass
        yield '.gitlab-ci.yml'

blocks = {}
debug_info = '1=12'