{# Every row of a model keeps its rules, all checked in one test, most of them in one scan of the model:
   - each column's `meta.within` ([min, max], either may be null), `meta.one_of` (the accepted values) and
     `meta.not_null` (true);
   - `key`: the columns that name a row, each combination once (dbt_utils' unique_combination_of_columns);
   - `references`: {column: ref(parent)}, each non-null value found in the parent's column of that name (dbt's
     relationships, with the parent's keys taken once: a join to every roster row of a specialty made billions of
     rows at 10^6 respondents);
   - `expressions`: the model's own SQL conditions over its columns.
   Returns one row per broken rule: the rule, and how many rows break it. A NULL passes `within`, `one_of` and
   `expressions`, as in dbt_utils' accepted_range and expression_is_true (which we cannot install): it means hidden
   or not applicable.
   One test per model instead of one per column and rule: each test is a node in dbt and an asset check in Dagster,
   each costing dbt's and Dagster's fixed time on every run, and each a scan of the model (docs/performance.md). The
   rules are written in this project's YAML, never taken from data. #}
{% test row_rules(model, expressions=[], key=[], references={}) %}
{%- set rules = [] -%}
{%- set not_null = [] -%}
{%- if execute -%}
    {#- the model reaches a test as its relation wrapped in the `where` subquery: found by its full quoted name #}
    {%- for node in graph.nodes.values()
        if node.resource_type in ('model', 'seed') and node.relation_name and node.relation_name in (model | string) -%}
        {%- for column in node.columns.values() -%}
            {%- set meta = column.meta or {} -%}
            {%- if meta.not_null -%}
                {%- do not_null.append(column.name) -%}
            {%- endif -%}
            {%- if meta.within is defined -%}
                {%- set low, high = meta.within -%}
                {%- set bounds = [] -%}
                {%- if low is not none %}{% do bounds.append(column.name ~ ' >= ' ~ low) %}{% endif -%}
                {%- if high is not none %}{% do bounds.append(column.name ~ ' <= ' ~ high) %}{% endif -%}
                {%- do rules.append((column.name ~ ' within [' ~ low ~ ', ' ~ high ~ ']', bounds | join(' and '))) -%}
            {%- endif -%}
            {%- if meta.one_of is defined -%}
                {%- set values = [] -%}
                {%- for value in meta.one_of -%}
                    {%- do values.append(value if value is number else "'" ~ value ~ "'") -%}
                {%- endfor -%}
                {%- do rules.append((column.name ~ ' one of ' ~ meta.one_of | join(', '),
                                     column.name ~ ' in (' ~ values | join(', ') ~ ')')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}
{%- for expression in expressions %}{% do rules.append((expression, expression)) %}{% endfor -%}
{#- Rules counted in one scan of the model, and rules searched for in a query of their own: a column's NULLs with a
    filter DuckDB pushes into a view's query (int_item_answers, a view over a join, takes 0.19 s to scan at 10^5
    respondents and 0.03 s to search for NULLs), a code in the parent with an anti-join. #}
{%- set scanned = [] -%}
{%- for name, condition in rules -%}
    {%- do scanned.append((name, 'count(*) filter (where not coalesce((' ~ condition ~ '), true))')) -%}
{%- endfor -%}
{%- if key -%}
    {%- do scanned.append(('one row per ' ~ key | join(', '), 'count(*) - count(distinct row(' ~ key | join(', ') ~ '))')) -%}
{%- endif -%}
{%- set searched = [] -%}
{%- for column in not_null -%}
    {%- do searched.append((column ~ ' not null', '(select count(*) from ' ~ model ~ ' where ' ~ column ~ ' is null)')) -%}
{%- endfor -%}
{%- for column, parent in references.items() -%}
    {%- do searched.append((column ~ ' found in ' ~ parent.identifier,
        '(select count(*) from (select ' ~ column ~ ' from ' ~ model ~ ') as child anti join (select distinct '
        ~ column ~ ' from ' ~ parent ~ ') as parent on child.' ~ column ~ ' = parent.' ~ column
        ~ ' where child.' ~ column ~ ' is not null)')) -%}
{%- endfor -%}
{%- set counts = scanned + searched -%}
{%- if counts -%}
with broken as (
    select
    {%- for name, count in counts %}
        {{ count }} as rule_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    {%- if scanned %}
    from {{ model }}
    {%- endif %}
)
{%- for name, count in counts %}
select '{{ name | replace("'", "''") }}' as broken_rule, rule_{{ loop.index }} as rows_breaking
from broken where rule_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{%- endfor %}
{%- else -%}
select 1 as broken_rule where false
{%- endif -%}
{% endtest %}
