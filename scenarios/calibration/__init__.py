"""Accuracy as a re-runnable fact: the fit of the speed factors and MFU on published
measurements (``python -m scenarios.calibration fit|check``), the leave-one-hardware-out report,
and the external check on measurements the fit never saw.

Imports the engine (and errors, units) only.
"""
