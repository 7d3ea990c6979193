{# Every row of a mart keeps its rules, all checked in one scan of the mart: each column's `meta.within` ([min, max],
   either may be null) and `meta.one_of` (the accepted values), and the model's own `expressions` (SQL conditions
   over its columns). Returns one row per broken rule: the rule, and how many rows break it. A NULL passes, as in
   dbt_utils' accepted_range and expression_is_true (which we cannot install): it means hidden or not applicable.
   One test per mart instead of one per column and rule: each test is a node in dbt and an asset check in Dagster,
   and at 10^6 respondents a scan of the largest mart (docs/performance.md). The rules are written in this
   project's YAML, never taken from data. #}
{% test row_rules(model, expressions=[]) %}
{%- set rules = [] -%}
{%- if execute -%}
    {#- the model reaches a test as its relation wrapped in the `where` subquery: found by its full quoted name #}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.relation_name and node.relation_name in (model | string) -%}
        {%- for column in node.columns.values() -%}
            {%- set meta = column.meta or {} -%}
            {%- if meta.within is defined -%}
                {%- set low, high = meta.within -%}
                {%- set bounds = [] -%}
                {%- if low is not none %}{% do bounds.append(column.name ~ ' >= ' ~ low) %}{% endif -%}
                {%- if high is not none %}{% do bounds.append(column.name ~ ' <= ' ~ high) %}{% endif -%}
                {%- do rules.append((column.name ~ ' within [' ~ low ~ ', ' ~ high ~ ']', bounds | join(' and '))) -%}
            {%- endif -%}
            {%- if meta.one_of is defined -%}
                {%- set values = [] -%}
                {%- for value in meta.one_of %}{% do values.append("'" ~ value ~ "'") %}{% endfor -%}
                {%- do rules.append((column.name ~ ' one of ' ~ meta.one_of | join(', '),
                                     column.name ~ ' in (' ~ values | join(', ') ~ ')')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
{%- for expression in expressions %}{% do rules.append((expression, expression)) %}{% endfor -%}
{%- if rules -%}
with broken as (
    select
    {%- for name, condition in rules %}
        count(*) filter (where not coalesce(({{ condition }}), true)) as rule_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- for name, condition in rules %}
select '{{ name | replace("'", "''") }}' as broken_rule, rule_{{ loop.index }} as rows_breaking
from broken where rule_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{%- else -%}
select 1 as broken_rule where false
{%- endif -%}
{% endtest %}
