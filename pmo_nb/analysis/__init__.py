"""Pure pandas over the session's tables: DataFrames in, new DataFrames out.

- :mod:`.coverage`: the status and weight of each gap, the priority x size matrix, the
  candidate list, the gap register, the handed-over gaps.
- :mod:`.relevance`: the catalog ranked for a gap (services addressing its aspect first).
- :mod:`.votes`: the tallies of the participants' ballots.

Never imports the session or the store: the workshop hands its frames to these functions.
"""
