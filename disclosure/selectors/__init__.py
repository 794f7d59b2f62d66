"""Reads of the disclosure app shared by its faces (the public pages, the archive, the
regulator portal and the API), one module per subject:

- ``sources``: the published publication a figure on the public pages comes from.
"""
