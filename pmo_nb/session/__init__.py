"""The workshop session: :class:`~.workshop.Workshop`, the facade a user holds.

- :mod:`.workshop`: the Workshop: open a session, read its tables, assign, undo, export.
  Its parts are mixed in: :mod:`._gap_edits` (gaps and services changed in the room) and
  :mod:`._voting` (the facilitator's votes); both declare what they use of the Workshop
  (:class:`.parts.WorkshopCore`).
- :mod:`.participant`: a participant's handle (join, vote), through the Workshop's public
  ballot methods.
- :mod:`.opening`: open a session as saved or create it from the customer's files.
- :mod:`.events`: change events (subscribe) and :class:`~.events.Change`.
- :mod:`.views`: filtered views of the coverage for the panels and the notebooks.

Loaded on first use (``pmo_nb.Workshop``): ``import pmo_nb`` does not open SQLite.
"""
