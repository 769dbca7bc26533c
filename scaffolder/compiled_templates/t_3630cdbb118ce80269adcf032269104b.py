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
    l_0_package_name = resolve('package_name')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield '[build-system]\nrequires = ["hatchling>=1.25"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "'
    yield str((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name))
    yield '"\nversion = "0.1.0"\ndescription = "A Protean domain"\nreadme = "README.md"\nrequires-python = ">=3.11"\ndependencies = [\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'extras'):
        pass
        yield '    "protean['
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'extras'), ','))
        yield ']>=0.18,<0.19",\n'
    else:
        pass
        yield '    "protean>=0.18,<0.19",\n'
    yield ']\n\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.hatch.build.targets.wheel]\npackages = ["src/'
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '"]\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n[tool.mypy]\nplugins = ["protean.ext.mypy_plugin"]\n'

blocks = {}
debug_info = '6=21&12=23&13=26&23=32'