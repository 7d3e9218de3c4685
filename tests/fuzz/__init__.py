"""rtorch's API fuzz harness: hypothesis-generated hostile calls run in rlimited child processes and classified.

Modules: `values` (hypothesis strategies that draw argument *source text*), `surface` (the API targets and how
their parameters are typed), `calls` (one call = a few Python statements), `classify` (what an exception means),
`worker` (the child process that runs calls), `supervisor` (batches, timeouts, deaths, restarts), `report`
(the summary table), `known` (the known-findings list the test suite treats as strict expected failures).
The command-line entry point is scripts/fuzz.py; the short run in the test suite is tests/test_fuzz.py.
"""
