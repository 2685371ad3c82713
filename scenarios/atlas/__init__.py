"""Where the opportunity is: application domains, their challenges and techniques, opportunity
scoring, and each domain's typical workloads as cost presets.

Imports the engine (and errors, units) only.
"""
