"""Outgoing notifications and meldingen: outbox, notification rules and delivery workers."""
