"""The floor of ``bench_room.py``: a bare ipywidgets page (one text box, one button) that
Solara serves per connection through pmo_nb's own server, token gate included."""

import ipywidgets as w
from solara.server import kernel_context

if kernel_context.has_current_context():
    name = w.Text(placeholder="Your name")
    button = w.Button(description="Join")
    said = w.HTML()
    button.on_click(lambda _: setattr(said, "value", f"saved ✓ {name.value}"))
    page = w.VBox([name, button, said])
