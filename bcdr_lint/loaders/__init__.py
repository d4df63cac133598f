"""Loaders: one per input format, each turning files into normalized resources.

Loader modules are imported only when a file of their format is found, so a run over YAML
alone never imports the HCL parser.
"""
