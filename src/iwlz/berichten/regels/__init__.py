"""The iWlz 2.2 business rules (messages.md §3): CD conditions, CS constraints, TR technical
rules, the stateful TRs, and the engine that runs them per message type."""
