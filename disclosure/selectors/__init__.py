"""Reads of the disclosure app shared by its faces, by subject:

- ``schedule``: what each periodic kind owes, period by period, and whether it was
  published on time (the admin's "What is due", the public archive's late flags).
"""
