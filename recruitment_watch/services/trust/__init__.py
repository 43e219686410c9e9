"""Trust: the tamper-evident audit trail of every change to business records.

``capture`` appends an audit event for every insert, update and delete of an audited model in the same transaction,
from SQLAlchemy session events (so no service has to remember a call); ``chain`` links each event to the one before
it by SHA-256; ``verification`` walks that chain; ``actor_context`` says who acts.
"""
