{# The waves a build reads and replaces. Dagster never hands a wave name to dbt: it writes the run's waves into
   raw.build_waves (a bound value) and passes waves_from_warehouse, so no name from the landing folder is ever
   rendered by Jinja or spliced into SQL. By hand, --vars '{"wave": "2025"}' selects one wave, whose name must be a
   wave name; without either var, every wave. The intermediate models select the wave where they first read it, so
   a build costs the same however many waves the warehouse keeps; the marts select it again, so their
   delete+insert touches only that wave. #}
{% macro selected_wave_condition(column='wave') -%}
    {%- if var('wave', none) is not none -%}
        {%- set wave = var('wave') | string -%}
        {%- if not modules.re.fullmatch(var('wave_name_pattern'), wave) -%}
            {{ exceptions.raise_compiler_error("var wave: not a wave name (1 to 40 letters, digits, '-' or '_')") }}
        {%- endif -%}
        {{ column }} = '{{ wave }}'
    {%- elif var('waves_from_warehouse', false) -%}
        {{ column }} in (select wave from raw.build_waves)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro selected_wave_filter() -%}
    where {{ selected_wave_condition() }}
{%- endmacro %}

{# Every generic test looks at the selected waves only, so a wave's tests never fail another wave's build; an
   explicit `where` config still applies. dbt's own macro, overridden as its documentation describes. #}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if var('wave', none) is not none or var('waves_from_warehouse', false) -%}
        {%- do conditions.append(selected_wave_condition()) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
