"""The formats CI systems read, for the same findings as text and JSON.

github: workflow commands (`::error file=F,line=L,title=T::message`), one per finding, which
GitHub Actions turns into annotations on the lines; sarif: SARIF 2.1.0, for code scanning;
gitlab: a Code Quality report (a JSON array), for merge request widgets. The exit code is the
command's and never depends on the format.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from scaffolder.check.findings import DRIFT, ERROR, WARNING, Finding, exit_code, tally

# What each code means, in one or two sentences: SARIF's rule help. A code without an entry
# gets a generic help (a test keeps every code the corpus reaches listed).
RULE_HELP: dict[str, str] = {
    "unknown-key": "A key Protean does not read at this place; it is dropped without a word.",
    "unknown-provider": "A provider name Protean does not register for this role; the domain "
    "fails when it initialises.",
    "invalid-choice": "A setting outside the values Protean accepts; it silently falls back.",
    "wrong-type": "A value of the wrong type for its setting.",
    "invalid-value": "A value Protean refuses or misreads.",
    "missing-provider": "A provider table without a provider.",
    "missing-key": "A provider without the connection key it needs.",
    "unset-variable": "A ${VAR} with no default, unset where the environment runs; Protean "
    "stops at start-up.",
    "unselectable-overlay": "A table no PROTEAN_ENV can select.",
    "unknown-environment": "An environment named with --env that the config does not have.",
    "unselected-overlay": "An overlay nothing selects, while the project's files select a name "
    "near it that has none; those runs use the base configuration.",
    "engine-option": "A key another provider reads, which this SQLAlchemy provider hands to "
    "create_engine; it refuses it at start-up.",
    "provider-not-installed": "A provider a separate package registers, and that package is "
    "not installed.",
    "unrendered-template": "A template placeholder left in a file that is used as written.",
    "literal-secret": "A key named like a credential holds a secret in the committed config "
    "(a literal, or a ${VAR|default} default a deployed environment falls back to).",
    "untrusted-link": "A file check would read is reached through a symlink out of the project "
    "or into .git/; it is not read.",
    "dropped-table": "A table Protean takes for an overlay nobody selects, and drops.",
    "ignored-config": "A config file beside the one Protean reads; Protean never reads it.",
    "protean-error": "Protean's loader refuses this environment.",
    "memory-in-production": "A deployed environment on an in-process provider.",
    "password-in-uri": "A literal password in a committed connection string.",
    "memory-overlay-service": "The memory overlay still needs a server.",
    "database-not-overridden": "A named database a deployed overlay forgets to repoint.",
    "wrong-url-scheme": "A connection string whose scheme the provider's client does not open; "
    "Protean loads it and the provider fails when it first connects.",
    "malformed-url": "A connection string that does not parse as the provider needs it.",
    "url-caveat": "A connection string that needs a driver Protean's extra does not install.",
    "malformed-placeholder": "Text that looks like a ${VAR} placeholder and that Protean does "
    "not substitute (unclosed, empty, a name no shell sets), or an empty default for a URL.",
    "overlay-name-case": "An overlay whose name differs from production, test or memory in case "
    "only; PROTEAN_ENV matches names exactly.",
    "overlay-only-slot": "A database, broker or cache that only an overlay defines.",
    "compose-missing-service": "A server the config needs and docker-compose.yml does not start.",
    "compose-unused-service": "A compose service no environment needs.",
    "compose-port-mismatch": "The test environment's URL and the port compose publishes differ; "
    "the test run cannot connect.",
    "compose-database-mismatch": "The database the test URL names is not the one compose's "
    "server creates.",
    "compose-credentials-mismatch": "The test URL's user or password is not the one compose's "
    "server sets.",
    "compose-port-conflict": "Two compose services publish one host port; compose cannot start.",
    "message-db-port": "Message DB's URL reaches the PostgreSQL server: locally Message DB is "
    "published on 5433, beside PostgreSQL on 5432.",
    "ci-missing-service": "A server the test environment needs and the CI job does not start.",
    "ci-port-mismatch": "The URL the CI job connects to is not where its service listens.",
    "ci-database-mismatch": "The database the CI job's URL names is not the one its service "
    "creates.",
    "ci-credentials-mismatch": "The CI job's URL has another user or password than its service.",
    "ci-value-drift": "The CI job tests another server than the local default points at.",
    "derived-leftover": "A derived file protean-init no longer derives, left from before.",
    # The workspace rules (check/workspace_rules.py).
    "workspace-shared-database": "Two bounded contexts on one database; their tables clash.",
    "workspace-shared-variable": "Two bounded contexts read one variable for different "
    "servers; set once, it points both at one.",
    "workspace-event-store": "A bounded context's event store is not the other contexts'.",
    "workspace-broker": "A bounded context's default broker is not the other contexts'.",
    "compose-database-not-created": "A local database compose's server does not create.",
    "env-example-missing": "A variable the config reads that .env.example does not list.",
    # The deployment rules (check/deploy.py).
    "health-on-loopback": "The engine's health server listens on 127.0.0.1, out of reach of "
    "any probe from outside its container.",
    "probe-port": "The image exposes another port than the health server listens on.",
    "probe-path": "A probe asks for a path the engine's health server does not serve.",
    "single-writer": "More than one engine on event-store subscriptions, which are "
    "single-writer: every event is handled again.",
    "stream-commands": "Stream subscriptions with async commands in production.",
    "stream-broker": "Stream subscriptions on a broker without Redis Streams consumer groups.",
    "secret-missing": "A variable production reads with no default that the engine's "
    "container is not given.",
    "protean-env-ignored": "A CI job that exports PROTEAN_ENV and passes --protean-env: the "
    "pytest plugin keeps the variable, and ignores the flag.",
}
GENERIC_HELP = "A problem `protean-init check` found in the project's configuration."

_GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", DRIFT: "warning"}
_SARIF_LEVEL = {ERROR: "error", WARNING: "warning", DRIFT: "note"}
_GITLAB_SEVERITY = {ERROR: "critical", WARNING: "major", DRIFT: "minor"}
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL = "protean-init check"


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


# --- GitHub Actions ------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped, as the runner unescapes them."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message's escapes, and ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    lines = []
    for finding in _ordered(findings):
        properties = [f"file={escape_property(finding.file)}"]
        if finding.line:
            properties.append(f"line={finding.line}")
        title = finding.code + (f" [{finding.env}]" if finding.env else "")
        properties.append(f"title={escape_property(title)}")
        message = f"{finding.message}\nfix: {finding.fix}"
        level = _GITHUB_LEVEL[finding.severity]
        lines.append(f"::{level} {','.join(properties)}::{escape_data(message)}")
    lines.append(f"protean-init check: {tally(findings, environments, contexts)}")
    return "\n".join(lines)


def github_error(message: str) -> str:
    return f"::error title={escape_property(TOOL)}::{escape_data(message)}"


# --- SARIF 2.1.0 ---------------------------------------------------------------------------


def _rule_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("-"))


def format_sarif(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    ordered = _ordered(findings)
    codes = sorted({f.code for f in ordered})
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": _rule_name(code),
            "shortDescription": {"text": RULE_HELP.get(code, GENERIC_HELP)},
            "help": {
                "text": RULE_HELP.get(code, GENERIC_HELP)
                + " Each result's message says what to change, and its fix how."
            },
            "defaultConfiguration": {
                "level": _SARIF_LEVEL[next(f.severity for f in ordered if f.code == code)]
            },
        }
        for code in codes
    ]
    results = []
    for finding in ordered:
        location: dict[str, object] = {
            "artifactLocation": {"uri": finding.file, "uriBaseId": "PROJECTROOT"}
        }
        if finding.line:
            location["region"] = {"startLine": finding.line}
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": _SARIF_LEVEL[finding.severity],
                "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {"primaryLocationLineHash/v1": _fingerprint(finding)},
                "properties": {
                    "severity": finding.severity,
                    "environment": finding.env,
                    "fix": finding.fix,
                },
            }
        )
    run = {
        "tool": {
            "driver": {
                "name": TOOL,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"PROJECTROOT": {"description": {"text": "the project folder"}}},
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": exit_code(ordered),
                "properties": {
                    **({"contexts": list(contexts)} if contexts else {}),
                    "environments": list(environments),
                },
            }
        ],
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def sarif_error(message: str, code: int) -> str:
    run = {
        "tool": {"driver": {"name": TOOL, "rules": []}},
        "invocations": [
            {
                "executionSuccessful": False,
                "exitCode": code,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
            }
        ],
        "results": [],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


# --- GitLab Code Quality -------------------------------------------------------------------

_LINE_REFERENCE = re.compile(r"\(line \d+\)|line \d+")


def _fingerprint(finding: Finding) -> str:
    """Stable across runs and across unrelated edits: line numbers are left out, so a finding
    keeps its identity when lines above it move."""
    message = _LINE_REFERENCE.sub("", finding.message)
    text = "\x00".join((finding.code, finding.file, finding.env or "", message))
    return hashlib.sha256(text.encode()).hexdigest()


def format_gitlab(
    findings: Sequence[Finding], environments: Sequence[str] = (), contexts: Sequence[str] = ()
) -> str:
    issues = []
    seen: set[str] = set()
    for finding in _ordered(findings):
        fingerprint = _fingerprint(finding)
        while fingerprint in seen:  # GitLab drops an issue whose fingerprint repeats
            fingerprint = hashlib.sha256(fingerprint.encode()).hexdigest()
        seen.add(fingerprint)
        env = f" [{finding.env}]" if finding.env else ""
        issues.append(
            {
                "description": f"{finding.code}{env}: {finding.message}. Fix: {finding.fix}",
                "check_name": finding.code,
                "fingerprint": fingerprint,
                "severity": _GITLAB_SEVERITY[finding.severity],
                "location": {"path": finding.file, "lines": {"begin": finding.line or 1}},
            }
        )
    return json.dumps(issues, indent=2)


def gitlab_error(message: str, path: str) -> str:
    issue = {
        "description": message,
        "check_name": "unreadable-input",
        "fingerprint": hashlib.sha256(message.encode()).hexdigest(),
        "severity": "blocker",
        "location": {"path": path, "lines": {"begin": 1}},
    }
    return json.dumps([issue], indent=2)
