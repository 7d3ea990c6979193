{# A build for one wave (Dagster passes --vars '{"wave": ...}') reads and replaces only that wave's rows; without
   the var, every wave. The intermediate models select the wave where they first read it, so a build costs the same
   however many waves the warehouse keeps; the marts select it again, so their delete+insert touches only that wave. #}
{% macro selected_wave_condition(column='wave') -%}
    {%- if var('wave', none) is not none -%}
        {{ column }} = '{{ var("wave") | replace("'", "''") }}'
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro selected_wave_filter() -%}
    where {{ selected_wave_condition() }}
{%- endmacro %}
