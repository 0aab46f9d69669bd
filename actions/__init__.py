"""Custom actions of the hospital assistant, one module per feature (rasa-sdk)."""
