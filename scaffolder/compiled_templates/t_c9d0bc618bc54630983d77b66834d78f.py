from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_d = missing
    try:
        t_1 = environment.filters['tojson']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'tojson' found.")
    pass
    l_0_d = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'deploy')
    context.vars['d'] = l_0_d
    context.exported_vars.add('d')
    yield 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'name'))
    yield '\nspec:\n'
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'single_writer'):
        pass
        yield '  # Event-store subscriptions (default_subscription_type = "'
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'subscription_type'))
        yield '") are\n  # single-writer: a second engine would process every event again. One replica, and\n  # Recreate, so a rollout stops the old pod before the new one starts. Scaling out needs\n  # default_subscription_type = "stream" in [production.server] (Redis Streams consumer groups)\n  # and command_processing = "sync" (Protean 0.18 stores async commands in the event store).\n  replicas: 1\n  strategy:\n    type: Recreate\n'
    else:
        pass
        yield '  # Stream subscriptions share the work through Redis Streams consumer groups: engines scale\n  # out, and a rolling update keeps one serving.\n  replicas: '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'replicas'))
        yield '\n  strategy:\n    type: RollingUpdate\n'
    yield '  selector:\n    matchLabels:\n      app.kubernetes.io/name: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'name'))
    yield '\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'name'))
    yield '\n    spec:\n      # preStop wait + [production.server] drain_timeout ('
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'drain_timeout'))
    yield ' s) + a margin to\n      # close the providers: SIGKILL never cuts a handler the engine is still finishing.\n      terminationGracePeriodSeconds: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'grace'))
    yield '\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'uid'))
    yield '\n        runAsGroup: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'uid'))
    yield '\n        seccompProfile:\n          type: RuntimeDefault\n'
    if environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'needs_db_setup'):
        pass
        yield '      initContainers:\n        # Creates the tables the providers need before the engine starts; idempotent.\n        - name: db-setup\n          image: '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'image'))
        yield '\n          command: '
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'db_setup')))
        yield '\n          env:\n            - name: PROTEAN_ENV\n              value: production\n'
        for l_1_variable in environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret_variables'):
            _loop_vars = {}
            pass
            yield '            - name: '
            yield str(l_1_variable)
            yield '\n              valueFrom:\n                secretKeyRef:\n                  name: '
            yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret'))
            yield '\n                  key: '
            yield str(l_1_variable)
            yield '\n'
        l_1_variable = missing
        yield '          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: ["ALL"]\n          resources:\n            requests:\n              cpu: 50m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n'
    yield '      containers:\n        - name: engine\n          image: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'image'))
    yield '\n          command: '
    yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'command')))
    yield '\n          ports:\n            - name: health\n              containerPort: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'port'))
    yield '\n          env:\n            - name: PROTEAN_ENV\n              value: production\n'
    for l_1_variable in environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret_variables'):
        _loop_vars = {}
        pass
        yield '            - name: '
        yield str(l_1_variable)
        yield '\n              valueFrom:\n                secretKeyRef:\n                  name: '
        yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'secret'))
        yield '\n                  key: '
        yield str(l_1_variable)
        yield '\n'
    l_1_variable = missing
    yield '          livenessProbe:\n            httpGet:\n              path: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'liveness'))
    yield '\n              port: health\n            initialDelaySeconds: 10\n            periodSeconds: 10\n            timeoutSeconds: 5\n            failureThreshold: 3\n          readinessProbe:\n            httpGet:\n              path: '
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'readiness'))
    yield '\n              port: health\n            periodSeconds: 5\n            timeoutSeconds: 5\n            failureThreshold: 2\n          lifecycle:\n            preStop:\n              exec:\n                # Drain: the engine stops taking new work and /readyz turns 503; then wait so\n                # in-flight handlers finish before SIGTERM starts the shutdown.\n                command:\n                  - python\n                  - -c\n                  - "import time, urllib.request; urllib.request.urlopen(urllib.request.Request(\'http://127.0.0.1:'
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'port'))
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'drain'))
    yield "', method='POST'), timeout=3); time.sleep("
    yield str(environment.getattr((undefined(name='d') if l_0_d is missing else l_0_d), 'prestop_wait'))
    yield ')"\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: ["ALL"]\n          resources:\n            requests:\n              cpu: 100m\n              memory: 256Mi\n            limits:\n              memory: 512Mi\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n        # The root filesystem is read-only; Python and the providers\' clients may need /tmp.\n        - name: tmp\n          emptyDir: {}\n'

blocks = {}
debug_info = '1=19&5=23&7=25&8=28&19=33&25=36&29=38&31=40&33=42&36=44&37=46&40=48&44=51&45=53&49=55&50=59&53=61&54=63&73=68&74=70&77=72&81=74&82=78&85=80&86=82&90=86&98=88&111=90'