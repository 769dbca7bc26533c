from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_installer = resolve('installer')
    l_0_project_name = resolve('project_name')
    l_0_plan = resolve('plan')
    l_0_run = missing
    try:
        t_1 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    try:
        t_2 = environment.filters['tojson']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'tojson' found.")
    pass
    l_0_run = ('uv run ' if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv') else '')
    context.vars['run'] = l_0_run
    context.exported_vars.add('run')
    yield '# CI for '
    yield str((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name))
    yield ': the test suite in memory mode'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
        pass
        yield ', then against the real services'
    yield '.\ndefault:\n  # Not -slim: protean[message-db] builds psycopg2, which needs gcc and pg_config.\n  image: python:3.12\n  cache:\n    key:\n'
    if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv'):
        pass
        yield '      # uv\'s cache follows the lock file (pyproject.toml until uv.lock is committed).\n      files: [uv.lock, pyproject.toml]\n    paths: [.cache/uv]\n  before_script:\n    - python -m pip install "uv=='
        yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy'), 'uv_version'))
        yield '"\n'
    else:
        pass
        yield '      files: [pyproject.toml]\n    paths: [.cache/pip]\n  before_script:\n'
    yield '    - '
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_install'))
    yield '\n\nvariables:\n'
    if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv'):
        pass
        yield '  UV_CACHE_DIR: "$CI_PROJECT_DIR/.cache/uv"\n'
    else:
        pass
        yield '  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"\n'
    yield '\nstages: [test]\n\ntest-memory:\n  stage: test\n  script:\n    - '
    yield str((undefined(name='run') if l_0_run is missing else l_0_run))
    yield 'pytest --protean-env memory\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
        pass
        yield '\ntest-integration:\n  stage: test\n  services:\n'
        for l_1_service in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
            _loop_vars = {}
            pass
            yield '    - name: '
            yield str(environment.getattr(l_1_service, 'image'))
            yield '\n      alias: '
            yield str(environment.getattr(l_1_service, 'name'))
            yield '\n'
            if environment.getattr(l_1_service, 'environment'):
                pass
                yield '      variables:\n'
                for (l_2_key, l_2_value) in environment.call(context, environment.getattr(environment.getattr(l_1_service, 'environment'), 'items'), _loop_vars=_loop_vars):
                    _loop_vars = {}
                    pass
                    yield '        '
                    yield str(l_2_key)
                    yield ': '
                    yield str(t_2(context.eval_ctx, l_2_value))
                    yield '\n'
                l_2_key = l_2_value = missing
        l_1_service = missing
        yield '  variables:\n    PROTEAN_ENV: test\n'
        for (l_1_name, l_1_value) in environment.call(context, environment.getattr(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'ci_variables'), 'gitlab'), 'items')):
            _loop_vars = {}
            pass
            yield '    '
            yield str(l_1_name)
            yield ': '
            yield str(t_2(context.eval_ctx, l_1_value))
            yield '\n'
        l_1_name = l_1_value = missing
        yield '  script:\n'
        def t_3(fiter):
            for l_1_service in fiter:
                if environment.getattr(l_1_service, 'databases'):
                    yield l_1_service
        for l_1_service in t_3(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services')):
            _loop_vars = {}
            pass
            yield '    # The service creates only '
            yield str(environment.getattr(l_1_service, 'own_database'))
            yield ": each named database has its own.\n    - '"
            yield str(t_1(context.eval_ctx, environment.getattr(l_1_service, 'gitlab_create'), "'", "''"))
            yield "'\n"
        l_1_service = missing
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'needs_db_setup'):
            pass
            yield '    - '
            yield str((undefined(name='run') if l_0_run is missing else l_0_run))
            yield 'protean db setup --domain='
            yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'domain_path'))
            yield '\n'
        yield '    - '
        yield str((undefined(name='run') if l_0_run is missing else l_0_run))
        yield 'pytest\n'

blocks = {}
debug_info = '1=27&2=31&8=37&13=40&19=46&22=48&33=55&34=57&39=60&40=64&41=66&42=68&44=71&45=75&51=82&52=86&55=92&56=100&57=102&59=105&60=108&62=113'