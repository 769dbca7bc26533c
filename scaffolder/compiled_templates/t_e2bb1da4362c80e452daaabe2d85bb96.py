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
    l_0_installer = resolve('installer')
    l_0_deploy = resolve('deploy')
    l_0_d = resolve('d')
    l_0_ci = resolve('ci')
    l_0_run = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield '# '
    yield str((undefined(name='project_name') if l_0_project_name is missing else l_0_project_name))
    yield '\n\nA [Protean](https://docs.proteanhq.com) domain. Its infrastructure is described in\n`domain.toml`: the base configuration for development, with overlays that `PROTEAN_ENV` selects\n('
    l_1_loop = missing
    for l_1_env, l_1_loop in LoopContext(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'environments')[1:], undefined):
        _loop_vars = {}
        pass
        yield '`'
        yield str(l_1_env)
        yield '`'
        if (not environment.getattr(l_1_loop, 'last')):
            pass
            yield ', '
    l_1_loop = l_1_env = missing
    yield ').\n\n## Run the tests\n\n'
    l_0_run = ('uv run ' if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv') else '')
    context.vars['run'] = l_0_run
    context.exported_vars.add('run')
    yield '```sh\n'
    if ((undefined(name='installer') if l_0_installer is missing else l_0_installer) == 'uv'):
        pass
        yield '# uv makes .venv and writes uv.lock on the first run; commit uv.lock, and CI and the\n# image install exactly those versions\nuv sync --extra test\n'
    else:
        pass
        yield 'python -m venv .venv && . .venv/bin/activate\npip install -e ".[test]"\n'
    yield '\n# Fast: every provider in memory, no services\n'
    yield str((undefined(name='run') if l_0_run is missing else l_0_run))
    yield 'pytest --protean-env memory\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services'):
        pass
        yield '\n# Thorough: the real services of the test environment\ndocker compose up -d --wait\n'
        def t_2(fiter):
            for l_1_service in fiter:
                if environment.getattr(l_1_service, 'databases'):
                    yield l_1_service
        l_1_loop = missing
        for l_1_service, l_1_loop in LoopContext(t_2(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_services')), undefined):
            _loop_vars = {}
            pass
            yield '# The '
            yield str(environment.getattr(l_1_service, 'name'))
            yield ' health check also creates '
            yield str(t_1(context.eval_ctx, environment.getattr(l_1_service, 'databases'), ', '))
            yield ", each named database's own\n"
            if (environment.getattr(l_1_service, 'name') == 'mysql'):
                pass
                yield '# (on a MySQL of your own: '
                l_2_loop = missing
                for l_2_db, l_2_loop in LoopContext(environment.getattr(l_1_service, 'databases'), undefined):
                    _loop_vars = {}
                    pass
                    yield 'CREATE DATABASE '
                    yield str(l_2_db)
                    yield ';'
                    if (not environment.getattr(l_2_loop, 'last')):
                        pass
                        yield ' '
                l_2_loop = l_2_db = missing
                yield ').\n'
            else:
                pass
                yield '# (on a PostgreSQL of your own: '
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
                yield ').\n'
        l_1_loop = l_1_service = missing
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'needs_db_setup'):
            pass
            yield "# Unlike pytest, protean picks no overlay itself: without PROTEAN_ENV it sets up\n# the base configuration's databases and creates nothing on these services.\nPROTEAN_ENV=test "
            yield str((undefined(name='run') if l_0_run is missing else l_0_run))
            yield 'protean db setup --domain='
            yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'domain_path'))
            yield '\n'
        yield str((undefined(name='run') if l_0_run is missing else l_0_run))
        yield 'pytest\n'
    yield '```\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_server_variables'):
        pass
        yield "\nWithout compose, on servers of your own, export the test environment's variables first:\n`"
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'test_server_variables'), '`, `'))
        yield "`\n(`.env.example` shows their form). Unset, each falls back to its default in `domain.toml`,\ncompose's server on localhost, and the run fails to connect.\n"
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'variables'):
        pass
        yield '\n## Configuration\n\n`.env.example` lists every variable `domain.toml` reads. Production reads its connection\nstrings from variables with no default, so a start without them fails loudly:\n\n```sh\nPROTEAN_ENV=production '
        yield str((undefined(name='run') if l_0_run is missing else l_0_run))
        yield 'protean server --domain='
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'domain_path'))
        yield '\n```\n'
    if ((undefined(name='deploy') if l_0_deploy is missing else l_0_deploy) != 'none'):
        pass
        l_0_d = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy')
        context.vars['d'] = l_0_d
        context.exported_vars.add('d')
        yield "\n## Deploying\n\n`Dockerfile` builds the engine's image: `protean server --domain="
        yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'domain_path'))
        yield '` with\n`PROTEAN_ENV=production`, as a non-root user, its health server on port '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'port'))
        yield " (`/livez`,\n`/readyz`, `POST /drainz`; `[production.server.health]` in `domain.toml` binds it to\n`0.0.0.0`, since Protean's default, `127.0.0.1`, is out of reach of any probe).\n\n```sh\ndocker build -t "
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'image'))
        yield ' .\n# Once, and after every model change: the tables the providers need\ndocker run --rm --env-file .env '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'image'))
        yield ' '
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'db_setup'), ' '))
        yield '\ndocker run --env-file .env -p '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'port'))
        yield ':'
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'port'))
        yield ' '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'image'))
        yield '\n```\n'
        if ((undefined(name='deploy') if l_0_deploy is missing else l_0_deploy) == 'kubernetes'):
            pass
            yield "\n`deploy/kubernetes/` is a Kustomize base (the engine's Deployment; an init container runs\n`protean db setup` before it starts) and a `production` overlay. The servers the providers\nneed (PostgreSQL, Redis, Message DB, ...) are not in these manifests: run them as managed\nservices or your own, and give their URLs in the Secret `"
            yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret'))
            yield '`, which is never\ncommitted:\n\n```sh\ncp deploy/kubernetes/overlays/production/.env.example deploy/kubernetes/overlays/production/.env\n# fill in deploy/kubernetes/overlays/production/.env (git ignores it), then\nkubectl create secret generic '
            yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret'))
            yield ' --from-env-file=deploy/kubernetes/overlays/production/.env\nkubectl apply -k deploy/kubernetes/overlays/production\n```\n'
            if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'single_writer'):
                pass
                yield '\nThe engine runs as one pod with `strategy: Recreate`: its event-store subscriptions are\nsingle-writer, and a second engine would handle every event again. To scale out, set\n`default_subscription_type = "stream"` in `[production.server]`, `command_processing = "sync"`\nin `[production]` (Protean 0.18 stores async commands in the event store, where a stream\nsubscription never reads them), and `protean-init deploy kubernetes --replicas N`.\n'
        yield '\nThese files are derived from `domain.toml`: `protean-init derive` (or any edit command)\nregenerates them, keeping your edits; `protean-init check` finds a probe, port, variable or\nreplica count the engine would not survive.\n'
    yield "\n## Checking the configuration (optional)\n\n`protean-init check` reads `domain.toml` as Protean does and finds what Protean would accept\nwithout a word: a misspelled key, a provider on another provider's URL, a `${VAR` never\nclosed, compose or CI no longer agreeing with the test environment (exit 1 on errors). Nothing\nin this project needs protean-init. It runs where you installed it to make this project (this\nproject was made with protean-init "
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'protean_init_version'))
    yield "); it is not on PyPI. In this\nfolder, `protean-init check` runs the check.\n\nTo run the check before each commit, add to `.pre-commit-config.yaml` (the hook runs the\n`protean-init` on your PATH, on the whole project, when a file it reads changes):\n\n```yaml\nrepos:\n  - repo: local\n    hooks:\n      - id: protean-init-check\n        name: protean-init check\n        entry: protean-init check\n        language: system\n        pass_filenames: false\n        files: '(^|/)(\\.?domain\\.toml|pyproject\\.toml|(docker-)?compose\\.ya?ml|\\.gitlab-ci\\.yml|\\.github/workflows/[^/]+\\.ya?ml|\\.env\\.example)$'\n```\n"
    if ((undefined(name='ci') if l_0_ci is missing else l_0_ci) == 'gitlab'):
        pass
        yield '\nand in CI, on a runner where protean-init is installed, a job whose findings show in merge\nrequests (a Code Quality report):\n\n```yaml\nprotean-init-check:\n  stage: test\n  script:\n    - protean-init check --format gitlab > gl-code-quality-report.json\n  artifacts:\n    when: always\n    reports:\n      codequality: gl-code-quality-report.json\n```\n'
    else:
        pass
        yield '\nand in CI, on a runner where protean-init is installed, a step whose findings show as\nannotations on the lines they are about:\n\n```yaml\n      - run: protean-init check --format github\n```\n'
    yield '\nThe choices this project was generated from are in `.copier-answers.protean-init.yml`; re-run\n`protean-init` in this folder to add a database, regenerate CI or check the configuration.\n'

blocks = {}
debug_info = '1=25&5=28&9=39&11=43&21=50&22=52&26=55&27=64&28=68&29=72&31=87&34=98&37=101&39=105&42=108&45=111&49=113&57=116&60=120&61=122&65=126&66=128&71=130&73=132&74=136&76=142&81=145&87=147&90=149&111=154&128=156'