"""results room: the SQLAlchemy store of the bench and the reports built from it.

db.open_database(url) → Database          models: tables (trace, runs, scenarios, steps, checks, …)
trace.TraceRecord / TraceWriter(db_url)   the dispatcher's non-blocking, batched trace
store.ResultsStore(db)                    engine listener + query API (runs, matrix, detail, trace,
                                          attestations, overrides, retention)
verdicts                                  attestation / override / run verdict rules
accounts.AccountStore(db)                 console log-ins (roles, Argon2id password hashes)
reporters.junit / cucumber / json_report  exports of a stored run
"""
