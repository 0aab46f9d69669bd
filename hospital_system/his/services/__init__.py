"""Business rules as flat, keyword-only functions taking a SQLAlchemy ``Session`` first.

They raise ``his.errors.HisError`` for refused requests and never commit except where stated
(failed-attempt counters); the caller's ``Database.write()`` commits."""
