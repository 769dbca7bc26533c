from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    pass
    yield '"""Customers: an example slice to copy from, or to delete once you have your own.\n\n``customer.py`` holds the aggregate and the event it raises;\n``registration.py`` the command that registers a customer and its handler, the\naggregate\'s write path; ``welcome.py`` the event handler that reacts to the\nevent. ``domain.init()`` finds them all by walking the package, so nothing has\nto be imported here.\n"""\n'

blocks = {}
debug_info = ''