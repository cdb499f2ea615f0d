"""Article Markdown is rendered to HTML with everything dangerous removed."""

from __future__ import annotations

from keepwell.knowledge.render import render_markdown


def test_markdown_renders_headings_lists_tables_and_links() -> None:
    html = render_markdown(
        "# Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[docs](https://example.test/x) `code` ~~old~~"
    )
    assert "<h1>Title</h1>" in html and "<li>one</li>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<a href="https://example.test/x" rel="noopener noreferrer nofollow">docs</a>' in html
    assert "<code>code</code>" in html and "<s>old</s>" in html


def test_scripts_handlers_and_javascript_links_are_neutralised() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n"
        '<a href="javascript:alert(2)">raw</a> [md](javascript:alert(3)) '
        '<img src="x.png" onerror="alert(4)"> <p style="color:red" onclick="alert(5)">p</p>'
        "\n\n<iframe src='https://evil.test'></iframe>"
    )
    lowered = html.lower()
    for bad in ("<script", 'href="javascript', "onerror", "onclick", "style=", "<iframe"):
        assert bad not in lowered, bad
    assert "alert(1)" not in html
    assert '<img src="x.png">' in html
    assert '<a rel="noopener noreferrer nofollow">raw</a>' in html
    assert "[md](javascript:alert(3))" in html  # left as inert text, not a link
