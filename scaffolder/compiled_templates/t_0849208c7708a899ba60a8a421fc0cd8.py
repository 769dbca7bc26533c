from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    pass
    yield '# The variables the production overlay of domain.toml reads with no default: the Secret\n# '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy'), 'secret'))
    yield '. Copy to .env here (git-ignored), fill in, and create the Secret:\n#   kubectl create secret generic '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy'), 'secret'))
    yield ' --from-env-file=.env\n# The servers they point at (PostgreSQL, Redis, Message DB, ...) run outside these manifests.\n'
    for l_1_variable in environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy'), 'secret_variables'):
        _loop_vars = {}
        pass
        yield str(l_1_variable)
        yield '=\n'
    l_1_variable = missing

blocks = {}
debug_info = '2=13&3=15&5=17&6=20'