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
    yield '"""Every configured broker delivers what is published to it.\n\nThe brokers are read from ``domain.toml`` when the tests are collected, so one\nadded later is tested without editing this file.\n"""\n\nfrom uuid import uuid4\n\nimport pytest\nfrom protean.port.broker import BrokerCapabilities\n\nfrom '
    yield str((undefined(name='package_name') if l_0_package_name is missing else l_0_package_name))
    yield '.domain import domain\n\n\n@pytest.mark.parametrize("broker_name", sorted(domain.config["brokers"]))\ndef test_broker_round_trip(broker_name: str) -> None:\n    broker = domain.brokers[broker_name]\n    # A fresh stream, so messages left behind by an interrupted run never\n    # come out first.\n    stream = f"probe-{uuid4().hex}"\n    group = "probe-readers"\n    payload = {"greeting": f"hello from {broker_name}"}\n\n    broker.publish(stream, payload)\n    delivered = broker.get_next(stream, group)\n\n    assert delivered is not None\n    identifier, message = delivered\n    assert message == payload\n    # Plain queues (``redis_pubsub``) have no acknowledgements.\n    if broker.has_capability(BrokerCapabilities.ACK_NACK):\n        assert broker.ack(stream, identifier, group)\n'

blocks = {}
debug_info = '12=13'