"""Estafette messages (iWlz 2.2, iWmo 3.x): safe parsing and XSD validation."""
