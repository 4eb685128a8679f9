"""The two schedules' fees per category, written from domain.md and fees-2025.md,
not read from the data files, so the tests check the files against the sources."""

SEED_FEES = {
    "commercial": 50000,
    "family_first_degree": 50000,
    "worker": 50000,
    "student": 50000,
    "joining_wife": 30000,
    "domestic_worker": 5000,
    "widow_divorcee_family": 5000,
    "kuwaiti_wife": 5000,
    "gcc_kuwaiti_family": 5000,
    "self_sponsored": 5000,
    "stateless": 5000,
}

DECISION_306_FEES = {
    "worker": 100000,
    "commercial": 100000,
    "student": 100000,
    "self_sponsored": 100000,
    "family_first_degree": 100000,
    "joining_wife": 100000,
    "domestic_worker": 100000,
    "farm_worker": 10000,
    "domestic_worker_kuwaiti_4th": 10000,
    "gcc_kuwaiti_family": 10000,
    "kuwaiti_wife": 0,
    "widow_divorcee_family": 0,
    "kuwaiti_family": 0,
    "domestic_worker_kuwaiti": 0,
    "newborn": 0,
}
