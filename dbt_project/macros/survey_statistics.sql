{# The published statistics of the data contract. Every result model takes them from here, so cluster,
   specialty and nation can never disagree on what a share, an interval or a suppressed cell is. #}

{% macro min_cell() -%}
    {{ return(var('min_cell') | int) }}
{%- endmacro %}

{% macro wilson_z() -%}(1.959964::double){%- endmacro %}

{# One bound of the 95 % Wilson score interval for k successes in n trials; sign is '-' or '+'. #}
{% macro wilson_bound(k, n, sign) -%}
    {%- set z = wilson_z() -%}
    (
        ({{ k }}::double / {{ n }} + {{ z }}^2 / (2 * {{ n }}))
        {{ sign }} {{ z }} * sqrt(
            ({{ k }}::double / {{ n }}) * (1 - {{ k }}::double / {{ n }}) / {{ n }}
            + {{ z }}^2 / (4 * {{ n }}^2)
        )
    ) / (1 + {{ z }}^2 / {{ n }})
{%- endmacro %}

{# valid_answers, dont_know_answers and positive_answers (unsuppressed counts) become the published item statistics;
   `suppression` (from int_suppression_pattern) says whether and why the cell is hidden. #}
{% macro item_statistics() -%}
    {%- set published = 'suppression is null' -%}
    suppression,
    suppression is not null as suppressed,
    case when {{ published }} then valid_answers end as n_valid,
    case when {{ published }} then dont_know_answers end as n_dont_know,
    case when {{ published }} then positive_answers end as n_positive,
    case when {{ published }} then positive_answers::double / valid_answers end as share_positive,
    case when {{ published }} then {{ wilson_low('positive_answers', 'valid_answers') }} end as ci_low,
    case when {{ published }} then {{ wilson_high('positive_answers', 'valid_answers') }} end as ci_high
{%- endmacro %}

{# The published Wilson bounds, rounded to 12 decimals so that they do not vary in the last bit between maths
   libraries; at 0 and n successes they are exactly 0 and 1. Trends recompute them with these same macros. #}
{% macro wilson_low(k, n) -%}
    (case when {{ k }} = 0 then 0.0 else round({{ wilson_bound(k, n, '-') }}, 12) end)
{%- endmacro %}

{% macro wilson_high(k, n) -%}
    (case when {{ k }} = {{ n }} then 1.0 else round({{ wilson_bound(k, n, '+') }}, 12) end)
{%- endmacro %}

{# The change from a previous share p0 (interval l0..u0) to a share p1 (l1..u1): the difference and Newcombe's hybrid
   score interval for a difference of independent proportions (Newcombe 1998, method 10), built from the two
   Wilson intervals; up / down when the interval lies wholly above / below 0. Rounded as the Wilson bounds are. #}
{% macro share_change(p1, l1, u1, p0, l0, u0) -%}
    round({{ p1 }} - {{ p0 }}, 12) as change,
    round({{ p1 }} - {{ p0 }} - sqrt(({{ p1 }} - {{ l1 }})^2 + ({{ u0 }} - {{ p0 }})^2), 12) as change_ci_low,
    round({{ p1 }} - {{ p0 }} + sqrt(({{ u1 }} - {{ p1 }})^2 + ({{ p0 }} - {{ l0 }})^2), 12) as change_ci_high
{%- endmacro %}

{% macro change_direction(ci_low, ci_high) -%}
    case when {{ ci_low }} > 0 then 'up' when {{ ci_high }} < 0 then 'down' else 'not_different' end
{%- endmacro %}

{# above / below / not_different: a unit's interval against a reference share; NULL when either is unpublished. #}
{% macro compare_with(ci_low, ci_high, reference_share) -%}
    case
        when {{ ci_low }} is null or {{ reference_share }} is null then null
        when {{ ci_low }} > {{ reference_share }} then 'above'
        when {{ ci_high }} < {{ reference_share }} then 'below'
        else 'not_different'
    end
{%- endmacro %}

{# Answer-code counts (answers) per unit become the published distribution: shares of the unit's valid answers
   (n_valid, the column holding the unit's valid answers to the item). #}
{% macro distribution_statistics(n_valid) -%}
    {%- set published = 'distribution_suppression is null' -%}
    distribution_suppression as suppression,
    distribution_suppression is not null as suppressed,
    case when {{ published }} then answers end as n,
    case when {{ published }} and not is_dont_know then answers::double / {{ n_valid }} end as share
{%- endmacro %}
