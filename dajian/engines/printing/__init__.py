"""Print templates (打印模板): a page of a form's record laid out as bands, checked against the form.

``model.py`` holds the definition, ``compile.py`` checks it against its form and the sandboxed text
templates; the platform renders the plan to HTML (browser print view) and PDF (``dajian/platform/printing``).
"""

from dajian.engines.printing.compile import print_issues
from dajian.engines.printing.model import PrintTemplateDef

__all__ = ["PrintTemplateDef", "print_issues"]
