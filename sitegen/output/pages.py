"""Output: the files only GitHub Pages needs, which a deploy adds to the tree.

They are not part of the rendered site: ``.nojekyll`` stops GitHub Pages'
Jekyll step (which would hide folders starting with ``_`` and waste time), and
``CNAME`` names the custom domain of a site published from a branch.
"""

from __future__ import annotations

from ..model import OutputFile


def deploy_files(cname: str = "") -> list[OutputFile]:
    """``.nojekyll``, and ``CNAME`` holding ``cname`` when one is set."""
    files = [OutputFile(".nojekyll", b"")]
    if cname:
        files.append(OutputFile("CNAME", f"{cname}\n".encode()))
    return files
