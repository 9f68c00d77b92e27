"""Translation: units, backends (none, ct2, openai), the translation memory, the model installer and
the bilingual exchange formats (TMX, XLIFF).

The ``translate`` stage (``pipeline/stages/translate.py``) ties these together; the writers
(``pipeline/writers.py``) read the units it leaves on the document.
"""
