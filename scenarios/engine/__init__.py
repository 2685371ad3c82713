"""What a workload costs on a device: catalogs (hardware, models, formats, prices), FLOPs,
memory, the speed model (roofline with fitted factors), serving and training estimates.

Imports nothing of the project but ``scenarios.errors`` and ``scenarios.units``.
"""
