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
    yield '"""Registering a customer: the command an application sends, and its handler.\n\nCommands are requests, named in the imperative, and may be refused; the handler\nis the aggregate\'s write path. Call it as an application service would:\n\n    domain.process(RegisterCustomer(name="Ada", email="ada@example.com"))\n\nWith ``command_processing = "sync"`` (the base, test and memory overlays) the\nhandler runs at once and ``process`` returns the new customer\'s id; with\n``"async"`` (the production overlay) ``protean server`` runs it.\n"""\n\nfrom protean import handle\nfrom protean.fields import String\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.customers.customer import Customer\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@domain.command(part_of=Customer)\nclass RegisterCustomer:\n    """Sign someone up."""\n\n    name: str = String(required=True, max_length=100)\n    email: str = String(required=True, max_length=254)\n\n\n@domain.command_handler(part_of=Customer)\nclass RegisterCustomerHandler:\n    """Carries out ``RegisterCustomer`` in a unit of work of its own."""\n\n    @handle(RegisterCustomer)\n    def register(self, command: RegisterCustomer) -> str:\n        customer = Customer.register(name=command.name, email=command.email)\n        domain.repository_for(Customer).add(customer)\n        return customer.id\n'

blocks = {}
debug_info = '16=13&17=15'