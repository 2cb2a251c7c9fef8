"""Support programmes on the register: catalogue, eligibility, applications, grants."""
