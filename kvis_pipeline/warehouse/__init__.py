"""The warehouse: its raw tables (defined once), writes by wave, rollback, and the suppression rule dbt runs."""
