"""The disclosure site's faces, one module per part (thin: they call selectors):

- ``basic``: the basic information of the society;
- ``public``: at a glance, governance, finances, solvency, claims, products and events
  (the topical pages, a package with one module per subject);
- ``archive``: the archive of publications, each publication with its versions and files,
  and the Atom feed;
- ``regulator``: the read-only regulator portal (two-factor, exports).
"""
