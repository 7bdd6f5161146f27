"""The HTML stage on saved pages: XHTML with an XML declaration, charset claims, metadata."""

from pathlib import Path

from articles.parser import decode_article, parse_article

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def parse_corpus(name: str):
    return parse_article(decode_article((CORPUS / name).read_bytes()), file_name=name)


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    # Docbook and Publican write `<?xml version="1.0" encoding="UTF-8"?>` first; lxml refuses
    # such a page when it is handed a str, which made the page look title-less.
    article = parse_corpus("debian-manifesto.de.html")
    assert article.title.endswith("Das Debian-Manifest")
    assert article.language == "de"
    assert len(article.sentences) > 20


def test_a_declared_encoding_other_than_utf8_does_not_garble_decoded_text() -> None:
    page = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="windows-1252"/>'
        "<title>Für alle</title></head><body><h1>Für alle</h1>"
        "<p>Die Fähre ist am Montag ausgelaufen, sagte der Kapitän.</p></body></html>"
    )
    article = parse_article(page, file_name="page.xhtml")
    assert article.title == "Für alle"
    assert article.sentences[0].text == "Die Fähre ist am Montag ausgelaufen, sagte der Kapitän."


def test_control_characters_after_a_removed_element_do_not_crash_the_page() -> None:
    # Found by bench/fuzz_import.py: lxml refuses to store the control characters it read,
    # when the text after a removed comment or script is moved to its neighbour.
    page = (
        "<html><head><title>T</title></head><body><p>Hello there, this is fine.</p>"
        "<!-- c -->\x01\x02 tail text here.<script>x</script>\x0b\x1f more.<p>More text.</p>"
        "</body></html>"
    )
    article = parse_article(page, file_name="a.html")
    assert article.sentences[0].text == "Hello there, this is fine."
    assert not any("\x01" in sentence.text for sentence in article.sentences)
