"""Reads of the disclosure app shared by its faces, one module per subject:

- ``archive``: what the public sees of publications (published versions only): the
  archive's filters, one publication with its versions, the feed's entries;
- ``schedule``: what is due, late, overdue or published, per kind rule and period
  (the archive's overdue list and the staff's "what is due" page).
"""
