from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_project_name = resolve('project_name')
    l_0_plan = resolve('plan')
    pass
    yield '# domain.toml: the infrastructure of '
    yield str((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name))
    yield ', read by Protean at start-up.\n# ${VAR} reads an environment variable and fails when it is unset; ${VAR|default} falls back.\n'
    for l_1_section in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'sections'):
        _loop_vars = {}
        pass
        yield '\n'
        for l_2_comment in environment.getattr(l_1_section, 'comments'):
            _loop_vars = {}
            pass
            yield '# '
            yield str(l_2_comment)
            yield '\n'
        l_2_comment = missing
        if environment.getattr(l_1_section, 'header'):
            pass
            yield '['
            yield str(environment.getattr(l_1_section, 'header'))
            yield ']\n'
        for (l_2_key, l_2_value) in environment.getattr(l_1_section, 'settings'):
            _loop_vars = {}
            pass
            yield str(l_2_key)
            yield ' = '
            yield str(l_2_value)
            yield '\n'
        l_2_key = l_2_value = missing
        for l_2_table in environment.getattr(l_1_section, 'tables'):
            _loop_vars = {}
            pass
            yield '\n['
            yield str(environment.getattr(l_2_table, 'header'))
            yield ']\n'
            for (l_3_key, l_3_value) in environment.getattr(l_2_table, 'entries'):
                _loop_vars = {}
                pass
                yield str(l_3_key)
                yield ' = '
                yield str(l_3_value)
                yield '\n'
            l_3_key = l_3_value = missing
        l_2_table = missing
    l_1_section = missing

blocks = {}
debug_info = '1=14&3=16&5=20&6=24&8=27&9=30&11=32&12=35&14=40&16=44&17=46&18=49'