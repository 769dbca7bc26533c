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
    yield '"""The Customer aggregate and the event it raises when someone registers."""\n\nfrom protean.fields import Boolean, Identifier, String\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@domain.event(part_of="Customer")\nclass CustomerRegistered:\n    """A customer signed up.\n\n    Events are facts, named in the past tense, and carry everything a handler\n    needs, so handlers never have to reach back into the aggregate\'s state as\n    it was at the time.\n    """\n\n    customer_id: str = Identifier(required=True)\n    name: str = String(required=True, max_length=100)\n    email: str = String(required=True, max_length=254)\n\n\n@domain.aggregate\nclass Customer:\n    """Someone who buys from us. ``id`` is added by Protean."""\n\n    name: str = String(required=True, max_length=100)\n    email: str = String(required=True, max_length=254)\n    welcomed: bool = Boolean(default=False)\n\n    @classmethod\n    def register(cls, name: str, email: str) -> "Customer":\n        """Create a customer and record that it happened.\n\n        The event stays on the aggregate until the aggregate is saved: the\n        repository writes both in one unit of work, so an event is never\n        published for a customer that was not stored.\n        """\n        customer = cls(name=name, email=email)\n        customer.raise_(\n            CustomerRegistered(customer_id=customer.id, name=name, email=email)\n        )\n        return customer\n\n    def mark_welcomed(self) -> None:\n        """Note that the welcome went out. Idempotent, because handlers may retry."""\n        self.welcomed = True\n'

blocks = {}
debug_info = '5=13'