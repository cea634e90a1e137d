"""Reporters built from a stored run (so any past run can be exported again): JUnit XML, Cucumber JSON,
and hubbench's own JSON report."""
