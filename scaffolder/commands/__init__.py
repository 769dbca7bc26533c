"""One module per subcommand: `add_arguments(parser)` declares its flags, `run(args)` does it.

Command modules import only the standard library and light project modules at import time;
anything heavy (copier, textual) is imported inside `run`, so `--help` stays fast.
"""
