"""The second test economy: an independent synthetic Moroccan economy and its deliveries.

Written from the partners' data dictionary alone, it produces every partner's extracts
(2016-2025) with their own messiness and the ground truth beside them, to measure record
linkage on data the register was not tuned on. Run it with
`python benchmarks/second_economy --scale 0.1 --seed 7 --out DIR`.
"""
