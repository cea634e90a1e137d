"""The console's pages (Streamlit runs each file by its path; `app.py` lists them)."""
