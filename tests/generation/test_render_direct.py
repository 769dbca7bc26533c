"""`render_direct` promises copier's own bytes for the derived files: hold it to that.

The reopen commands render compose, CI and .env.example with Jinja directly (copier's start-up
costs more than the edit); `new` writes those same bytes, and later three-way merges use them as
their base. If the two renderers ever disagree, a user's next edit would see a false conflict, so
every case of the generation matrix is rendered both ways and compared byte for byte.
"""

from __future__ import annotations

import pytest

from scaffolder.render import DERIVED_FILES, render_data, render_direct, render_files

from .cases import CASES


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_render_direct_is_copiers_output(case_id: str) -> None:
    data = render_data(CASES[case_id].spec())
    direct = render_direct(data, DERIVED_FILES)
    assert direct is not None, f"{case_id}: the direct renderer gave up and would fall back"
    by_copier = {
        path: content for path, content in render_files(data).items() if path in DERIVED_FILES
    }
    assert direct.keys() == by_copier.keys(), case_id
    for path, content in by_copier.items():
        assert direct[path] == content, f"{case_id}: {path} differs from copier's rendering"
