from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0__copier_conf = resolve('_copier_conf')
    pass
    yield str(environment.getattr((undefined(name='_copier_conf') if l_0__copier_conf is missing else l_0__copier_conf), 'answers_file'))

blocks = {}
debug_info = '1=12'