"""Landing files into the warehouse's raw tables, with pandera as blocking checks."""
