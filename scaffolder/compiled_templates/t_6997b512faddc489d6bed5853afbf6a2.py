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
    yield '.\nname: CI\n\non:\n  push:\n    branches: [main]\n  pull_request:\n\npermissions:\n  contents: read\n\njobs:\n  memory:\n    name: Tests (memory providers)\n    runs-on: ubuntu-latest\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'python_versions'):
        pass
        yield '    strategy:\n      matrix:\n        python-version: '
        yield str(t_2(context.eval_ctx, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'python_versions')))
        yield '\n'
    yield '    steps:\n      - uses: actions/checkout@v6\n'
    if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv'):
        pass
        yield "      # uv's cache is keyed on the lock file (and pyproject.toml until uv.lock is committed).\n      - uses: astral-sh/setup-uv@v6\n        with:\n          enable-cache: true\n          cache-dependency-glob: |\n            uv.lock\n            pyproject.toml\n"
    yield '      - uses: actions/setup-python@v6\n        with:\n          python-version: '
    yield str(('${{ matrix.python-version }}' if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'python_versions') else '"3.12"'))
    yield '\n'
    if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) != 'uv'):
        pass
        yield '          cache: pip\n'
    yield '      - run: '
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_install'))
    yield '\n      - run: '
    yield str((undefined(name='run') if l_0_run is missing else l_0_run))
    yield 'pytest --protean-env memory\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'lint_steps'):
        pass
        yield '\n  lint:\n    # The linters of the workflow this file replaced, with their set-up, run once.\n    name: Lint\n    runs-on: ubuntu-latest\n    steps:\n'
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'lint_steps'))
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
        pass
        yield '\n  integration:\n    name: Tests (real services)\n    runs-on: ubuntu-latest\n    services:\n'
        for l_1_service in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
            _loop_vars = {}
            pass
            yield '      '
            yield str(environment.getattr(l_1_service, 'name'))
            yield ':\n        image: '
            yield str(environment.getattr(l_1_service, 'image'))
            yield '\n'
            if environment.getattr(l_1_service, 'environment'):
                pass
                yield '        env:\n'
                for (l_2_key, l_2_value) in environment.call(context, environment.getattr(environment.getattr(l_1_service, 'environment'), 'items'), _loop_vars=_loop_vars):
                    _loop_vars = {}
                    pass
                    yield '          '
                    yield str(l_2_key)
                    yield ': '
                    yield str(t_2(context.eval_ctx, l_2_value))
                    yield '\n'
                l_2_key = l_2_value = missing
            yield '        ports:\n          - '
            yield str(environment.getattr(l_1_service, 'port'))
            yield ':'
            yield str(environment.getattr(l_1_service, 'container_port'))
            yield '\n        options: >-\n          --health-cmd '
            yield str(t_2(context.eval_ctx, environment.getattr(l_1_service, 'healthcheck')))
            yield '\n          --health-interval 5s --health-timeout 5s --health-retries 30\n'
        l_1_service = missing
        yield '    env:\n      PROTEAN_ENV: test\n'
        for (l_1_name, l_1_value) in environment.call(context, environment.getattr(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'ci_variables'), 'github'), 'items')):
            _loop_vars = {}
            pass
            yield '      '
            yield str(l_1_name)
            yield ': '
            yield str(t_2(context.eval_ctx, l_1_value))
            yield '\n'
        l_1_name = l_1_value = missing
        yield '    steps:\n      - uses: actions/checkout@v6\n'
        if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv'):
            pass
            yield '      - uses: astral-sh/setup-uv@v6\n        with:\n          enable-cache: true\n          cache-dependency-glob: |\n            uv.lock\n            pyproject.toml\n'
        yield '      - uses: actions/setup-python@v6\n        with:\n          python-version: "3.12"\n'
        if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) != 'uv'):
            pass
            yield '          cache: pip\n'
        yield '      - run: '
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_install'))
        yield '\n'
        def t_3(fiter):
            for l_1_service in fiter:
                if environment.getattr(l_1_service, 'databases'):
                    yield l_1_service
        l_1_loop = missing
        for l_1_service, l_1_loop in LoopContext(t_3(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services')), undefined):
            _loop_vars = {}
            pass
            yield '      # The service creates only '
            yield str(environment.getattr(l_1_service, 'own_database'))
            yield ': each named database has its own.\n      - name: Create the named databases on '
            yield str(environment.getattr(l_1_service, 'name'))
            yield '\n'
            if (environment.getattr(l_1_service, 'name') == 'mysql'):
                pass
                yield "        # With PyMySQL, which the mysql extra installed (the runner's client may be missing).\n        run: '"
                yield str(t_1(context.eval_ctx, environment.getattr(l_1_service, 'github_create'), "'", "''"))
                yield "'\n"
            else:
                pass
                yield '        env:\n          PGHOST: localhost\n          PGPORT: "'
                yield str(environment.getattr(l_1_service, 'port'))
                yield '"\n          PGUSER: '
                yield str(t_2(context.eval_ctx, environment.getattr(environment.getattr(l_1_service, 'environment'), 'POSTGRES_USER')))
                yield '\n          PGPASSWORD: '
                yield str(t_2(context.eval_ctx, environment.getattr(environment.getattr(l_1_service, 'environment'), 'POSTGRES_PASSWORD')))
                yield '\n        run: '
                l_2_loop = missing
                for l_2_db, l_2_loop in LoopContext(environment.getattr(l_1_service, 'databases'), undefined):
                    _loop_vars = {}
                    pass
                    yield 'createdb '
                    yield str(l_2_db)
                    if (not environment.getattr(l_2_loop, 'last')):
                        pass
                        yield ' && '
                l_2_loop = l_2_db = missing
                yield '\n'
        l_1_loop = l_1_service = missing
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'needs_db_setup'):
            pass
            yield '      - run: '
            yield str((undefined(name='run') if l_0_run is missing else l_0_run))
            yield 'protean db setup --domain='
            yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'domain_path'))
            yield '\n'
        yield '      - run: '
        yield str((undefined(name='run') if l_0_run is missing else l_0_run))
        yield 'pytest\n'

blocks = {}
debug_info = '1=27&2=31&17=37&20=40&24=43&35=47&36=49&39=53&40=55&41=57&48=60&49=61&55=64&56=68&57=70&58=72&60=75&61=79&65=85&67=89&72=93&73=97&77=103&88=107&91=111&92=113&93=122&94=124&95=126&97=129&101=134&102=136&103=138&104=141&108=152&109=155&111=160'