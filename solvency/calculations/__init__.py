"""Pure functions of the solvency app: Decimal in, Decimal out, no ORM.

- ``aggregation``: the correlation matrix (checked), the diversified requirement
  sqrt(Σᵢⱼ Corrᵢⱼ·SCRᵢ·SCRⱼ), the MCR corridor, ratios.
- ``regimes``: module charges from factors and exposures, admitted capital, the whole
  position under a regime (requirement, ratios) and its place on the ladder.
"""
