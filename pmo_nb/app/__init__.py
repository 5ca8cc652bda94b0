"""What runs for people outside the notebook: the participants' server and the customer's folder.

- :mod:`.serve`: ``pmo-nb serve``, one server for the whole room.
- :mod:`.folder`: ``pmo-nb new``, a customer's workshop folder (data, notebooks, README).
- :mod:`.start`: :func:`~.start.open_workshop`, how every notebook opens its session.
"""
