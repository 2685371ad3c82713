"""The business layer: the Scenario file (schema, migration, store), unit economics, build vs
buy, uncertainty, the one-page PDF and the ``scenario`` commands; presets/ holds one scenario
per domain.

Imports the engine and the atlas (and errors, units) only.
"""
