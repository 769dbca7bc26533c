from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_compose = resolve('compose')
    l_0_plan = resolve('plan')
    pass
    if ((undefined(name='compose') if l_0_compose is missing else l_0_compose) and environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'services')):
        pass
        yield 'docker-compose.yml'

blocks = {}
debug_info = '1=13'