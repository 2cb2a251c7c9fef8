"""The business register: one enterprise whatever source it came from.

Data flow: staging (current deliveries) -> standardised source units -> links
(deterministic, then probabilistic with Splink) -> clusters -> enterprises with stable ids
-> survivorship, yearly panel and life events.
"""
