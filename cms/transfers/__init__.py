"""Übertragungen: a town records that it adopts an idea from another town's case page or from an
action module, with status, dates, notes, what it changed for its own situation, and evidence.

``models`` (imported by ``cms.models``), ``services`` (every write), ``notifications`` (the
origin town hears of it; shown and emailed only while the transfer may be seen), ``selectors``
(what a viewer may see, page context, the overview's counts), ``chart`` (the overview's SVG),
``forms``, ``views``, ``privacy`` (export and erasure). The named permissions live in
``cms.rules`` with the other page rules.
"""
