"""Übertragungen: a town records that it adopts an idea from another town's case page or from an
action module, with status, dates, notes, what it changed for its own situation, and evidence.

``models`` (imported by ``cms.models``), ``services`` (every write), ``selectors`` (what a
viewer may see, page context, the overview's counts), ``chart`` (the overview's SVG), ``forms``,
``views``, ``privacy``. The named permissions live in ``cms.rules`` with the other page rules.
"""
