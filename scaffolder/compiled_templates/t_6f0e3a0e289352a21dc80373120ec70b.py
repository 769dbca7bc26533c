from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_project_name = resolve('project_name')
    try:
        t_1 = environment.filters['default']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'default' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['lower']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'lower' found.")
    try:
        t_4 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    try:
        t_5 = environment.filters['tojson']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'tojson' found.")
    try:
        t_6 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '# Local services for the server-backed providers in domain.toml.\n#   docker compose up -d --wait    start them and wait until every health check passes\n#   docker compose down -v         stop them and delete their data\n# Ports are bound to 127.0.0.1 only; the credentials are local development defaults.\n'
    def t_7(fiter):
        for l_1_service in fiter:
            if environment.getattr(l_1_service, 'databases'):
                yield l_1_service
    for l_1_service in t_7(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'services')):
        _loop_vars = {}
        pass
        yield '# The '
        yield str(environment.getattr(l_1_service, 'name'))
        yield ' health check also creates '
        yield str(t_2(context.eval_ctx, environment.getattr(l_1_service, 'databases'), ', '))
        yield " (a named\n# database's own), so it exists once `up --wait` returns, on a new volume or an old one.\n"
    l_1_service = missing
    yield 'name: '
    yield str(t_4(context.eval_ctx, t_3((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name)), '.', '-'))
    yield '\n\nservices:\n'
    for l_1_service in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'services'):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_service, 'name'))
        yield ':\n    image: '
        yield str(environment.getattr(l_1_service, 'image'))
        yield '\n'
        if environment.getattr(l_1_service, 'environment'):
            pass
            yield '    environment:\n'
            for (l_2_key, l_2_value) in environment.call(context, environment.getattr(environment.getattr(l_1_service, 'environment'), 'items'), _loop_vars=_loop_vars):
                _loop_vars = {}
                pass
                yield '      '
                yield str(l_2_key)
                yield ': '
                yield str(t_5(context.eval_ctx, l_2_value))
                yield '\n'
            l_2_key = l_2_value = missing
        yield '    ports:\n      - "127.0.0.1:'
        yield str(environment.getattr(l_1_service, 'port'))
        yield ':'
        yield str(environment.getattr(l_1_service, 'container_port'))
        yield '"\n    healthcheck:\n      test: ["CMD-SHELL", \''
        yield str(t_4(context.eval_ctx, environment.getattr(l_1_service, 'compose_healthcheck'), "'", "''"))
        yield "']\n      interval: 5s\n      timeout: 5s\n      retries: 30\n      start_period: 10s\n    volumes:\n      - "
        yield str(environment.getattr(l_1_service, 'volume'))
        yield ':'
        yield str(environment.getattr(l_1_service, 'data_path'))
        yield '\n    restart: unless-stopped\n'
    l_1_service = missing
    l_1_loop = missing
    for l_1_engine, l_1_loop in LoopContext(t_1(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'compose_engines'), []), undefined):
        _loop_vars = {}
        pass
        if environment.getattr(l_1_loop, 'first'):
            pass
            yield '  # The engines, one per context, from the image the Dockerfile builds (PROTEAN_ENV=production)\n  # against the services above; not started by a plain `up`:\n  #   docker compose --profile engines up -d --build\n  # A variable no service above serves is read from your shell or .env.\n'
        def t_8(fiter):
            for l_2_role in fiter:
                if environment.getitem(l_1_engine, l_2_role):
                    yield l_2_role
        for l_2_role in t_8(('setup', 'name')):
            _loop_vars = {}
            pass
            yield '  '
            yield str(environment.getitem(l_1_engine, l_2_role))
            yield ':\n    image: '
            yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy'), 'image'))
            yield '\n    build: .\n    profiles: ["engines"]\n    command: '
            yield str(t_5(context.eval_ctx, (environment.getattr(l_1_engine, 'db_setup') if (l_2_role == 'setup') else environment.getattr(l_1_engine, 'command'))))
            yield '\n'
            if environment.getattr(l_1_engine, 'environment'):
                pass
                yield '    environment:\n'
                for (l_3_key, l_3_value) in environment.call(context, environment.getattr(environment.getattr(l_1_engine, 'environment'), 'items'), _loop_vars=_loop_vars):
                    _loop_vars = {}
                    pass
                    yield '      '
                    yield str(l_3_key)
                    yield ': '
                    yield str(t_5(context.eval_ctx, (l_3_value if (not t_6(l_3_value)) else str_join(('${', l_3_key, ':-}', )))))
                    yield '\n'
                l_3_key = l_3_value = missing
            if (environment.getattr(l_1_engine, 'services') or ((l_2_role == 'name') and environment.getattr(l_1_engine, 'setup'))):
                pass
                yield '    depends_on:\n'
                for l_3_service in environment.getattr(l_1_engine, 'services'):
                    _loop_vars = {}
                    pass
                    yield '      '
                    yield str(l_3_service)
                    yield ':\n        condition: service_healthy\n'
                l_3_service = missing
                if ((l_2_role == 'name') and environment.getattr(l_1_engine, 'setup')):
                    pass
                    yield '      '
                    yield str(environment.getattr(l_1_engine, 'setup'))
                    yield ':\n        condition: service_completed_successfully\n'
            if (l_2_role == 'setup'):
                pass
                yield '    restart: "no"\n'
            else:
                pass
                yield '    healthcheck:\n      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:'
                yield str(environment.getattr(l_1_engine, 'port'))
                yield str(environment.getattr(l_1_engine, 'liveness'))
                yield '\', timeout=4)"]\n      interval: 10s\n      timeout: 5s\n      retries: 3\n      start_period: 30s\n    # [production.server] drain_timeout and a margin: SIGTERM\'s drain is not cut short.\n    stop_grace_period: '
                yield str(environment.getattr(l_1_engine, 'grace'))
                yield 's\n    restart: unless-stopped\n'
        l_2_role = missing
    l_1_loop = l_1_engine = missing
    yield '\nvolumes:\n'
    for l_1_service in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'services'):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_service, 'volume'))
        yield ':\n'
    l_1_service = missing

blocks = {}
debug_info = '5=50&6=58&9=64&12=66&13=70&14=72&15=74&17=77&18=81&22=87&24=91&30=93&33=99&34=102&40=105&41=113&42=115&45=117&46=119&48=122&49=126&52=131&54=134&55=138&58=141&59=144&63=146&67=152&73=155&80=160&81=164'