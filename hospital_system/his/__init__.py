"""示范市第一人民医院 scheduling / HIS reference service.

Layers: ``his.settings`` (typed settings from env) → ``his.db`` and ``his.models`` (SQLAlchemy 2.0)
→ ``his.services`` (flat keyword-only service functions, the business rules) → ``his.api`` (FastAPI
routers, one module per feature) → ``his.app.create_app`` (the app factory).
"""
