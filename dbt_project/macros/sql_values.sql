{# A constant of this project (a var from dbt_project.yml, never data) as a SQL literal: a number as it is, a text
   quoted, a list as a parenthesised list of either, for `in`. #}
{% macro sql_values(value) -%}
    {%- if value is string -%}
        '{{ value | replace("'", "''") }}'
    {%- elif value is iterable -%}
        ({%- for item in value -%}{{ sql_values(item) }}{{ ", " if not loop.last }}{%- endfor -%})
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}
