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
    yield '"""The example slice end to end: command, aggregate, event, event store, handler."""\n\nimport pytest\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.customers.customer import Customer, CustomerRegistered\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.customers.registration import RegisterCustomer\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\ndef register(name: str = "Ada Lovelace", email: str = "ada@example.com") -> Customer:\n    """Register and save a customer, as an application service would."""\n    customer = Customer.register(name=name, email=email)\n    domain.repository_for(Customer).add(customer)\n    return customer\n\n\ndef test_registering_raises_an_event() -> None:\n    customer = Customer.register(name="Ada Lovelace", email="ada@example.com")\n\n    # Raised events wait on the aggregate until it is saved.\n    [event] = customer._events\n    assert isinstance(event, CustomerRegistered)\n    assert event.customer_id == customer.id\n\n\ndef test_a_saved_customer_can_be_loaded() -> None:\n    customer = register()\n\n    loaded = domain.repository_for(Customer).get(customer.id)\n\n    assert (loaded.name, loaded.email) == ("Ada Lovelace", "ada@example.com")\n\n\ndef test_the_register_command_stores_a_customer() -> None:\n    # ``asynchronous=False`` runs the handler now whatever the overlay says.\n    customer_id = domain.process(\n        RegisterCustomer(name="Grace Hopper", email="grace@example.com"),\n        asynchronous=False,\n    )\n\n    loaded = domain.repository_for(Customer).get(customer_id)\n\n    assert (loaded.name, loaded.email) == ("Grace Hopper", "grace@example.com")\n\n\ndef test_saving_appends_the_event_to_the_event_store() -> None:\n    customer = register()\n\n    # Each aggregate has its own stream, ``<domain>::customer-<id>``.\n    stream = f"{Customer.meta_.stream_category}-{customer.id}"\n    store = domain.event_store.store\n    assert store is not None  # set up by domain.init()\n    messages = store.read(stream)\n\n    [event] = [message.to_domain_object() for message in messages]\n    assert isinstance(event, CustomerRegistered)\n    assert event.customer_id == customer.id\n\n\n@pytest.mark.skipif(\n    domain.config["event_processing"] != "sync",\n    reason="handlers run inline only with event_processing = \'sync\'",\n)\ndef test_the_welcome_handler_reacts_to_the_registration() -> None:\n    customer = register()\n\n    # Sync processing ran the handler before ``add`` returned. (Under async,\n    # ``protean server`` runs it; ``protean.testing.drain`` can stand in for it\n    # in a test, but it closes the domain\'s connections when it finishes.)\n    assert domain.repository_for(Customer).get(customer.id).welcomed\n'

blocks = {}
debug_info = '5=13&6=15&7=17'