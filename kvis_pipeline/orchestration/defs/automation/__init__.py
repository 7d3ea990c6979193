"""When runs start without an operator: the landing sensor and the schedule."""
