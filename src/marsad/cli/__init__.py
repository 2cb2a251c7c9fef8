"""The ``marsad`` command line: one module per command group."""
