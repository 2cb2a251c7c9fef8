"""Training and coaching of the managers of register enterprises and of project holders."""
