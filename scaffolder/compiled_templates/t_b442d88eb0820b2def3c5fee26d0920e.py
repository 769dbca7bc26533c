from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_package_name = resolve('package_name')
    pass
    yield '"""Welcome new customers: a reaction to an event, outside the aggregate."""\n\nfrom protean import handle\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.customers.customer import Customer, CustomerRegistered\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@domain.event_handler(part_of=Customer)\nclass WelcomeNewCustomers:\n    """Runs after a registration is committed, in a unit of work of its own.\n\n    With ``event_processing = "sync"`` Protean calls it right after the\n    registering commit; with ``"async"`` (the production overlay) ``protean\n    server`` calls it from the event store. Either way a failure here cannot\n    undo the registration, and the handler may see the same event twice, so it\n    must be safe to repeat.\n    """\n\n    @handle(CustomerRegistered)\n    def send_welcome(self, event: CustomerRegistered) -> None:\n        repository = domain.repository_for(Customer)\n        customer = repository.get(event.customer_id)\n        # A real app would hand the email to a mailer here. Recording it on the\n        # aggregate keeps the example visible in the database and in tests.\n        customer.mark_welcomed()\n        repository.add(customer)\n'

blocks = {}
debug_info = '5=13&6=15'