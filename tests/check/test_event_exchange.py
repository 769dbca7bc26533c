"""Reading which contexts exchange events from their code, without running it
(scaffolder.check.event_exchange): the styles Protean accepts for a subscription, placed
anywhere in a context's package, against what its Domain is named; planted code never runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protean import Domain

from scaffolder.check.event_exchange import normalized_name, read_exchange
from scaffolder.workspace import discover
from tests.workspace.layouts import workspace

CONTEXTS = ("ordering", "payments")


def _exchange(root: Path):
    found = discover(root)
    return read_exchange(found.root, found.contexts, dict.fromkeys(found.names, _every_file))


def _every_file(path: Path) -> bool:
    """These workspaces plant no link: the gate's refusals are tests/workspace/test_check's."""
    return True


# How a module may declare that an element reads `{stream}`: literal, module constant
# (annotated or not), a list, the registration call, a subscriber's broker stream.
_CLASS = "\nclass H:\n    pass\n"
STYLES = {
    "literal": '@{ctx}.event_handler(part_of=None, stream_category="{stream}")' + _CLASS,
    "constant": 'SOURCE = "{stream}"\n\n\n@{ctx}.event_handler(stream_category=SOURCE)' + _CLASS,
    "annotated": 'SOURCE: str = "{stream}"\n\n\n@{ctx}.projector(stream_categories=[SOURCE])'
    + _CLASS,
    "list": '@{ctx}.process_manager(stream_categories=("own", "{stream}"))' + _CLASS,
    "register": _CLASS + '\n\n{ctx}.register(H, stream_category="{stream}")\n',
}
PLACES = ("handlers.py", "sub/deep/handlers.py", "__init__.py")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=st.sampled_from(sorted(STYLES)),
    place=st.sampled_from(PLACES),
    writer_name=st.sampled_from(["payments", "Payments", "pay ments", "Páyments"]),
    aggregate=st.sampled_from(["order", "customer_account"]),
    crosses=st.booleans(),
)
def test_a_subscription_crosses_exactly_when_it_names_the_other_domain(
    style: str, place: str, writer_name: str, aggregate: str, crosses: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = workspace(Path(folder) / "shop", CONTEXTS)
        (root / "src/payments/domain.py").write_text(
            f'from protean import Domain\n\npayments = Domain(name="{writer_name}")\n'
        )
        # Protean's own name for the writer's streams, or another domain's.
        prefix = Domain(name=writer_name).normalized_name if crosses else "elsewhere"
        stream = f"{prefix}::{aggregate}"
        module = root / "src/ordering" / place
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(STYLES[style].format(ctx="ordering", stream=stream))
        exchange = _exchange(root)
    pairs = {(c.reader, c.writer, c.subscription.stream) for c in exchange.crossings}
    assert pairs == ({("ordering", "payments", stream)} if crosses else set())
    assert exchange.unread("ordering", broker=False) is None
    assert exchange.unread("payments", broker=False) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1"), min_size=1, max_size=20))
def test_domain_names_are_normalized_as_protean_does(name: str) -> None:
    assert normalized_name(name) == Domain(name=name).normalized_name


def test_every_category_reads_every_other_context(tmp_path: Path) -> None:
    root = workspace(tmp_path / "shop", ("ordering", "payments", "shipping"))
    module = root / "src/shipping/audit.py"
    module.write_text(STYLES["literal"].format(ctx="shipping", stream="$all"))
    pairs = {(c.reader, c.writer) for c in _exchange(root).crossings}
    assert pairs == {("shipping", "ordering"), ("shipping", "payments")}


def test_a_subscriber_of_a_stream_no_context_writes_is_unknown_for_the_broker_alone(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "shop", CONTEXTS)
    (root / "src/ordering/inbox.py").write_text(
        '@ordering.subscriber(stream="payment-gateway")\nclass Inbox:\n    pass\n'
    )
    exchange = _exchange(root)
    assert exchange.crossings == ()
    assert exchange.unread("ordering", broker=False) is None
    why = exchange.unread("ordering", broker=True)
    assert why is not None and "'payment-gateway'" in why and "src/ordering/inbox.py:1" in why


@pytest.mark.parametrize(
    ("domain_py", "why"),
    [
        ("from protean import Domain\n\nd = Domain(name=NAME)\n", "computes"),
        ("import os\n", "declares no Domain"),
    ],
)
def test_a_domain_whose_name_is_not_written_is_unknown(
    tmp_path: Path, domain_py: str, why: str
) -> None:
    root = workspace(tmp_path / "shop", CONTEXTS)
    (root / "src/payments/domain.py").write_text(domain_py)
    reason = _exchange(root).unread("payments", broker=False)
    assert reason is not None and why in reason


def test_the_code_is_read_never_run(tmp_path: Path) -> None:
    """A module that would write a file when imported, and one that would loop forever:
    parsed, neither runs."""
    root = workspace(tmp_path / "shop", CONTEXTS)
    planted = tmp_path / "ran"
    (root / "src/ordering/evil.py").write_text(
        f"open({str(planted)!r}, 'w').write('ran')\nwhile True:\n    pass\n"
        + STYLES["literal"].format(ctx="ordering", stream="payments::order")
    )
    exchange = _exchange(root)
    assert not planted.exists()
    assert [(c.reader, c.writer) for c in exchange.crossings] == [("ordering", "payments")]
