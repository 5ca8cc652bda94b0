"""What comes in, and what goes out safely: read, validate and normalise the customer's files.

- :mod:`.schema`: the columns of the gaps and the catalog, their values and synonyms.
- :mod:`.io`: CSV, XLSX or a DataFrame -> a validated, normalised DataFrame
  (:func:`~.io.load_gaps`, :func:`~.io.load_catalog`), with the size limits of hostile files.
- :mod:`.export`: tables -> CSV/XLSX that no spreadsheet runs as a formula.

Nothing here imports plotly, ipywidgets, the session or the store.
"""
