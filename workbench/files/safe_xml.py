"""XML parsing with entity expansion, DTD loading and network access off."""

from __future__ import annotations

from workbench.errors import CorruptFileError


def safe_parser():
    """An lxml parser that never resolves entities or fetches anything."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


def parse_xml(data: bytes, name: str, part: str = ""):
    """Parse XML bytes safely; entity references are left unexpanded.

    Returns (root element, warnings). A document that declares entities gets a
    warning, since their content is deliberately not read.
    """
    from lxml import etree

    where = f"{name}: {part}" if part else name
    try:
        root = etree.fromstring(data, safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise CorruptFileError(f"{where}: damaged XML ({exc})") from exc
    warnings = []
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        warnings.append(
            f"{where} declares XML entities; they were not expanded (external content is never read)"
        )
    return root, warnings


def split_tag(tag) -> tuple[str, str]:
    """(namespace, local name) of an element tag; ('', '') for entities and PIs."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag
