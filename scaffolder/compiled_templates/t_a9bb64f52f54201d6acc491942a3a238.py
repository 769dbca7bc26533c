from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = None

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    pass
    yield "# Secrets: real values of the variables in .env.example (.env, .env.local, .env.production,\n# direnv's .envrc); the example itself, with no real values, is committed.\n.env\n.env.*\n!.env.example\n.envrc\n\n# protean-init's lock, journal and temporaries, should a run be killed mid-write\n*.protean-init-*\n\n# Python\n__pycache__/\n*.py[cod]\n.venv/\n*.egg-info/\nbuild/\ndist/\n.pytest_cache/\n.ruff_cache/\n.coverage\n\n# Local SQLite databases\n*.db\n*.sqlite3\n"

blocks = {}
debug_info = ''