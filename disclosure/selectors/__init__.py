"""Reads of the disclosure app shared by its faces (the public pages, the archive, the
regulator portal and the API), one module per subject:

- ``archive``: what the public sees of publications (published versions only): the
  archive's filters, one publication with its versions, the feed's entries;
- ``figures``: the key figures at a glance, each with the day it stands at;
- ``schedule``: what is due, late, overdue or published, per kind rule and period
  (the archive's overdue list and the staff's "what is due" page);
- ``sources``: the published publication a figure on the public pages comes from.
"""
