"""Statistics: the indicator catalogue and its tables, computed on the register panel."""
