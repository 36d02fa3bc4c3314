"""PDF (PDF/A-2b) from HTML and CSS with WeasyPrint — nothing fetched from anywhere.

The layout is GB/T 9704-2012's (``_base/gbt9704.css``: A4, 版心 156 × 225 mm at 37 mm from
the top and 28 mm from the left, 22 lines of 28 characters of 3号仿宋, page numbers
"— 1 —" in 4号宋体 on the outer side).  Fonts are named by fontconfig family only (方正小标宋 /
仿宋_GB2312 / FangSong where installed, Noto Serif CJK SC otherwise); no ``@font-face`` URL.

:class:`LocalOnlyFetcher` is WeasyPrint's URL fetcher for every render: it refuses any URL
that is not ``file:`` under the template folders, and stops the render (a template that points
at the network is a broken template, not one to print without its picture).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from rongcuo.documents.errors import DocumentError
from rongcuo.domain.messages import message

MSG_DOCUMENT_REMOTE_RESOURCE = message(
    "document.remote_resource",
    "模板引用了外部资源 {refused}，文书只使用本机文件，不联网获取任何内容",
    "the template refers to {refused}: documents use local files only and never fetch "
    "anything",
)

PDF_VARIANT = "pdf/a-2b"


def _weasy() -> Any:
    import weasyprint  # imported here: the rest of rongcuo must not pay for it

    return weasyprint


@functools.cache
def _font_config() -> Any:
    """One WeasyPrint font configuration per process: the fonts found through fontconfig
    are loaded once instead of for every document (measured: ~20 % of a determination's
    render; benchmarks/bench_documents.py)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def warm() -> None:
    """Load WeasyPrint, fontconfig and the CJK fonts once per process, by rendering one
    character — so the first real render, inside an issuing step's transaction (which holds
    the database's write lock on SQLite), costs a render and not a cold start."""
    html_to_pdf('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">'
                "容<b style=\"font-family: \'Noto Sans CJK SC\'\">错</b></body></html>", [])


def _fetcher_class() -> type:
    urls = _weasy().urls

    class LocalOnlyFetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        """Refuses every URL but ``file:`` inside ``roots`` (see the module docstring)."""

        def __init__(self, roots: Sequence[Path]) -> None:
            super().__init__(allowed_protocols={"file"}, fail_on_errors=True)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            inside = path is not None and not parts.netloc and any(
                path == r or r in path.parents for r in self.roots)
            if not inside:
                self.refused.append(url)
                raise urls.FatalURLFetchingError(f"refused to fetch {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher(roots: Sequence[Path]) -> Any:
    """A WeasyPrint URL fetcher that refuses every non-``file:`` URL and files outside
    ``roots`` (it records what it refused in ``.refused``)."""
    return _fetcher_class()(roots)


def html_to_pdf(html: str, roots: Sequence[Path], *, variant: str | None = PDF_VARIANT) -> bytes:
    """Render ``html`` to PDF bytes (PDF/A-2b unless ``variant`` is None)."""
    weasy = _weasy()
    fetcher = local_only_fetcher(roots)
    base = roots[0].resolve().as_uri() + "/" if roots else None
    try:
        doc = weasy.HTML(string=html, base_url=base, url_fetcher=fetcher)
        out = doc.write_pdf(pdf_variant=variant, font_config=_font_config())
    except weasy.urls.FatalURLFetchingError as exc:
        refused = fetcher.refused[-1] if fetcher.refused else str(exc)
        raise DocumentError.of(
            MSG_DOCUMENT_REMOTE_RESOURCE,
            refused=refused,
            details={"url": refused},
        ) from exc
    return bytes(out)
