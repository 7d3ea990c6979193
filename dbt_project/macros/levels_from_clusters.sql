{# A relation's cluster rows as they are, with their sums per specialty and for the nation; `level` says which.
   UNION ALL instead of GROUPING SETS: the cluster rows need no grouping, and at 10^6 respondents DuckDB's grouping
   sets over the 14 million cluster rows of the distribution were several times slower (docs/performance.md).
   The relation is materialised once for the three branches (int_cluster_code_counts is a view over the answers).
   keys: the columns a row is per, besides the unit; aggregates: column -> sum, any_value or bool_or. #}
{% macro levels_from_clusters(relation, keys, aggregates) -%}
    {%- set key_list = keys | join(', ') -%}
    {%- set units = {
        'cluster': ('specialty_code, cluster_id', none),
        'specialty': ('specialty_code, null::integer as cluster_id', 'wave, specialty_code, ' ~ key_list),
        'national': ('null::integer as specialty_code, null::integer as cluster_id', 'wave, ' ~ key_list),
    } -%}
    with cluster_rows as materialized (
        select * from {{ relation }}
    )
    {%- for level, (unit_columns, grouping) in units.items() %}
    select
        '{{ level }}' as level,
        wave,
        {{ unit_columns }},
        {{ key_list }},
        {%- for column, aggregate in aggregates.items() %}
        {% if grouping is none %}{{ column }}{% else %}{{ aggregate }}({{ column }}){% endif %}
            {%- if aggregate == 'sum' %}::bigint{% endif %} as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from cluster_rows
    {%- if grouping is not none %}
    group by {{ grouping }}
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
