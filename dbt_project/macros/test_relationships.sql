{# dbt's relationships test, with the parent's keys made distinct first. The built-in joins every child row to every
   parent row with its key: specialty_code against the roster (one row per cluster) made that join billions of rows
   at 10^6 respondents (docs/performance.md); with distinct keys it is one row each. Same result, same failing rows. #}
{% macro duckdb__test_relationships(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select distinct {{ field }} as to_field
    from {{ to }}
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null

{% endmacro %}
