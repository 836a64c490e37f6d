"""The bundled scenarios, installed as the package ``sim.scenarios`` (see ``sim.io.bundled``)."""
