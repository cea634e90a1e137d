"""The bench's Streamlit console: reads the results database, starts runs through `hubbench run`.

Entry point: `bench_app/app.py` (`hubbench console`). Helper modules here hold no Streamlit calls,
except `state.py` and `widgets.py`; pages live in `vues/`.
"""
