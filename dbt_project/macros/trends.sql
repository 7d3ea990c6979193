{# The trend marts: a unit's share (or response rate) against the previous wave's, for units present in both waves
   with the same keys (a cluster whose specialty changed is not compared). Only published cells take part: a cell
   suppressed in either wave has no trend row, so a trend never reveals a hidden cell. No counts are published. #}

{% macro share_trends(results_model, unit_keys, names_model, unit_names) -%}
{%- set keys = unit_keys | join(', ') ~ (', ' if unit_keys else '') -%}
with comparable as (
    select
        wave,
        previous_wave,
        variable,
        previous_variable
    from {{ ref('int_comparable_items') }}
    where is_comparable
),

published as (
    select
        wave,
        {{ keys }}variable,
        n_positive::double / n_valid as share_positive,  -- the published share, from the counts it is made of
        {{ wilson_low('n_positive', 'n_valid') }} as ci_low,
        {{ wilson_high('n_positive', 'n_valid') }} as ci_high
    from {{ ref(results_model) }}
    where not suppressed
),

paired as (
    select
        c.wave,
        i.previous_wave,
        {% for key in unit_keys %}c.{{ key }},{% endfor %}
        c.variable,
        i.previous_variable,
        c.share_positive,
        p.share_positive as previous_share_positive,
        {{ share_change('c.share_positive', 'c.ci_low', 'c.ci_high', 'p.share_positive', 'p.ci_low', 'p.ci_high') }}
    from published as c
    inner join comparable as i on c.wave = i.wave and c.variable = i.variable
    inner join published as p
        on
            i.previous_wave = p.wave and i.previous_variable = p.variable
            {% for key in unit_keys %} and c.{{ key }} = p.{{ key }}{% endfor %}
)

select
    t.wave,
    t.previous_wave,
    {% for key in unit_keys %}t.{{ key }},{% endfor %}
    {% for name in unit_names %}u.{{ name }},{% endfor %}
    t.variable,
    t.previous_variable,
    t.share_positive,
    t.previous_share_positive,
    t.change,
    t.change_ci_low,
    t.change_ci_high,
    {{ change_direction('t.change_ci_low', 't.change_ci_high') }} as change_direction
from paired as t
{%- if unit_names %}
    inner join {{ ref(names_model) }} as u on t.wave = u.wave {% for key in unit_keys %} and t.{{ key }} = u.{{ key }}{% endfor %}
{%- endif %}
{%- endmacro %}

{% macro response_trends(response_model, unit_keys, unit_names) -%}
{%- set columns = (unit_keys + unit_names) | join(', ') ~ (', ' if unit_keys else '') -%}
with waves as (
    select
        wave,
        previous_wave
    from {{ ref('int_wave_sequence') }}
    where previous_wave is not null
),

rates as (
    select
        wave,
        {{ columns }}response_rate,
        {{ wilson_low('respondents', 'members') }} as ci_low,
        {{ wilson_high('respondents', 'members') }} as ci_high
    from {{ ref(response_model) }}
    -- a roster with fewer members than respondents has a rate above 1, which has no interval
    where members > 0 and respondents <= members
),

paired as (
    select
        c.wave,
        w.previous_wave,
        {% for column in unit_keys + unit_names %}c.{{ column }},{% endfor %}
        c.response_rate,
        p.response_rate as previous_response_rate,
        {{ share_change('c.response_rate', 'c.ci_low', 'c.ci_high', 'p.response_rate', 'p.ci_low', 'p.ci_high') }}
    from rates as c
    inner join waves as w on c.wave = w.wave
    inner join rates as p
        on w.previous_wave = p.wave {% for key in unit_keys %} and c.{{ key }} = p.{{ key }}{% endfor %}
)

select
    *,
    {{ change_direction('change_ci_low', 'change_ci_high') }} as change_direction
from paired
{%- endmacro %}
