"""Default sampling sizes of a fit (one home, so the CLI, the API and the checks that refit agree)."""

#: Tuning steps per chain. With 1,000 the joint model's adaptation missed on seed 1 (min tail ESS 60, R-hat 1.015,
#: the data-quality factor); with 2,000 the same fit passes the gate (tail ESS 906, R-hat 1.005).
DEFAULT_TUNE = 2000
#: Draws per chain after tuning. With 1,000 the joint model's quick start, compiled afresh, passed the gate on one
#: machine and failed it on another (min tail ESS 383 <= 400, the Chinchilla allocation penalty): the same seed gives
#: other draws where the compiled code differs in its last bits. 2,000 doubles the margin (docs/results.md).
DEFAULT_DRAWS = 2000
DEFAULT_CHAINS = 4

#: ``check cut``: imputations of the MoE gain (equally spaced quantiles of its posterior, one refit each), and draws
#: and chains per refit: 8 x 2 x 1,000 = 16,000 pooled draws, twice a default fit's.
DEFAULT_CUT_IMPUTATIONS = 8
DEFAULT_CUT_DRAWS = 1000
DEFAULT_CUT_CHAINS = 2
