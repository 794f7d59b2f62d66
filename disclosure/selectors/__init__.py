"""Reads of the disclosure app shared by its faces (the public pages, the archive, the
regulator portal and the API), one module per subject:

- ``figures``: the key figures at a glance, each with the day it stands at;
- ``sources``: the published publication a figure on the public pages comes from.
"""
