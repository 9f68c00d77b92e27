"""One module per stage. Each module has ``NAME``, ``RULES`` (the rule ids it can record, each switchable
with ``--disable``) and ``setup(options) -> run``, where ``run(doc)`` edits the document only through
``doc.apply`` and ``doc.flag``. ``setup`` loads rules once; ``run`` is called once per document."""
