"""protean-init: scaffold and maintain Protean projects."""

# The one place the version is set: pyproject.toml reads it (hatch's version source), and the
# CLI and the answers file read it here, not through importlib.metadata (12-36 ms of imports
# on every command that records its version).
__version__ = "0.2.0"
