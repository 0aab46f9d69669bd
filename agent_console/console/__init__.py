"""Agents' console service: human handoff queue, routing, workbench API, tickets and surveys."""
