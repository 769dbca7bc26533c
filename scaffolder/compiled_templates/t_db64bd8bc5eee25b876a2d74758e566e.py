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
    yield "# The environment variables domain.toml reads, per environment. Copy to .env (git ignores it)\n# or export them; never commit real values. Lines stay commented here: where domain.toml has\n# a default, the default applies, and production values belong in your deployment's secrets.\n"
    for l_1_env in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'variables'):
        _loop_vars = {}
        pass
        yield '\n# '
        yield str(environment.getattr(l_1_env, 'title'))
        yield '\n'
        for l_2_variable in environment.getattr(l_1_env, 'variables'):
            _loop_vars = {}
            pass
            if environment.getattr(l_2_variable, 'required'):
                pass
                yield '# '
                yield str(environment.getattr(l_2_variable, 'name'))
                yield '='
                yield str(environment.getattr(l_2_variable, 'placeholder'))
                yield '\n'
            else:
                pass
                yield '# '
                yield str(environment.getattr(l_2_variable, 'name'))
                yield '='
                yield str(environment.getattr(l_2_variable, 'default'))
                yield '\n'
        l_2_variable = missing
    l_1_env = missing

blocks = {}
debug_info = '4=13&6=17&7=19&8=22&9=25&11=32'