"""Every write of claims, one module per subject. Modules import each other in one
direction only (no cycles, no ``_private`` name of another module), from the top down:

    apportionment → apportionment_sql, notice → panels → draw
    handling → payment, draw
    panels, payment, handling → decisions → reserves
    intake → documents

``decisions`` holds the steps every decision is made of (who may act, the claim's lock and
status move, four eyes, the benefit left, publishable text, approve / reject / overturn);
the shared reads (``coverage_remaining``, ``claim_checks``) are in ``claims.selectors`` and
the history writer in ``claims.events``. Faces import the services; services never import
a face.
"""
