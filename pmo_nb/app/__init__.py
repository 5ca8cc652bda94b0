"""What runs for people outside the notebook: the participants' server and the customer's folder.

- :mod:`.serve`: ``pmo-nb serve``, one server for the whole room.
- :mod:`.room`: a hub's hosted room, the workshop a facilitator opens (``pmo-nb room``).
- :mod:`.hosted`: ``pmo-nb new --session``, a folder on a hosted workshop.
- :mod:`.folder`: ``pmo-nb new``, a customer's workshop folder (data, notebooks, README).
- :mod:`.start`: :func:`~.start.open_workshop`, how every notebook opens its session.
"""
