"""The README's links lead somewhere: the Binder badge to a notebook that exists, local links to files."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

REPO = Path(__file__).parents[2]
README = (REPO / "README.md").read_text()
LINK = re.compile(r"\]\(([^)\s]+)\)")                        # [text](target) and ![alt](target)


def test_binder_links_open_a_notebook_of_the_repository_in_lab():
    links = [t for t in LINK.findall(README) if t.startswith("https://mybinder.org/v2/gh/")]
    assert links, "the README has a Binder badge"
    for link in links:
        url = urllib.parse.urlsplit(link)
        assert re.fullmatch(r"/v2/gh/[^/]+/kubenb/[^/]+", url.path), link
        (urlpath,) = urllib.parse.parse_qs(url.query)["urlpath"]
        assert urlpath.startswith("lab/tree/"), link
        assert (REPO / urlpath.removeprefix("lab/tree/")).is_file(), link


def test_local_links_and_images_exist_and_images_stay_small():
    local = [t for t in LINK.findall(README) if not re.match(r"[a-z]+://|#", t)]
    assert local, "the README shows a screenshot"
    for target in local:
        path = REPO / urllib.parse.unquote(target.split("#")[0])
        assert path.is_file(), target
        if path.suffix in (".png", ".jpg", ".gif", ".svg"):
            assert path.stat().st_size < 300_000, (target, path.stat().st_size)
