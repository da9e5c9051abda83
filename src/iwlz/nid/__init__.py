"""nID: the network authorization layer (tokens, PEP/PDP, audit log)."""
