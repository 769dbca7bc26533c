"""A web URL's token (`https://TOKEN@host`) is looked for only in a text naming one of its
schemes (redact._WEB_SCHEME, the quick test before redact._URL_TOKEN's scan): the quick test
never passes over a text the scan would find a token in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder import redact

# Scheme letters in both cases, the long s (U+017F) and Kelvin sign, which match `s` and `k`
# when case is ignored, and the URL's punctuation.
_LONG_S, _KELVIN = "\u017f", "\u212a"
_PIECES = st.sampled_from(
    [
        *("http", "HTTPS", "hTtPs", "ws", "WSS", "ftp", "FtPs", _LONG_S, _KELVIN, "git+", "a+"),
        *(".", "-", "://", ":", "/", "@", "tok", "x", " ", "localhost", "\n", "{", "|", "'", "1"),
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_quick_test_passes_over_no_token(text: str) -> None:
    if redact._URL_TOKEN.search(text) is not None:
        assert redact._WEB_SCHEME.search(text) is not None


def test_a_web_token_is_still_masked() -> None:
    assert redact.redact_text("see https://abc123@sentry.example/1") == (
        f"see https://{redact.MASK}@sentry.example/1"
    )
    assert redact.redact_text(f"w{_LONG_S}://abc123@host") == f"w{_LONG_S}://{redact.MASK}@host"
