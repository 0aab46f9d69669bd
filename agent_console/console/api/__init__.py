"""HTTP API: bot-facing routes behind the service token, workbench routes behind agent sessions."""
