"""The analyst's workbench: a read-only web view of the stored measures, their
timelines and evidence, with exports and an alert-rule backtest
(``tradewatch web``, also started by ``tradewatch serve``).

- :mod:`.app`: the routes (FastAPI) and :func:`~.app.create_app`;
- :mod:`.exports`: list rows, CSV and Atom (also ``events --csv``);
- :mod:`.timeline`: a measure's timeline as SVG;
- ``templates/``: the pages (Jinja2, every value escaped).

Server-rendered, with no script of its own. Pages read through
:mod:`storage.search` and :mod:`storage.queries`, one page of rows at a time.
"""

__all__: list[str] = []
