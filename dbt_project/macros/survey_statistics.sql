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

{# The probability that a chi-square variable with df degrees of freedom exceeds x: one minus the series of the
   lower regularized gamma function P(df/2, x/2) (Abramowitz and Stegun 6.5.29), since DuckDB has no chi-square
   distribution. Beyond df + 2000 the tail is below 1e-200; rounded to 12 decimals as the intervals are. #}
{% macro chi_square_upper_tail(x, df) -%}
    (case
        when {{ x }} is null or {{ df }} is null or {{ df }} < 1 then null
        when {{ x }} <= 0 then 1.0
        when {{ x }} > {{ df }} + 2000 then 0.0
        else greatest(0.0, round(1 - list_sum(list_transform(
            range(0, ceil({{ x }} / 2 + 12 * sqrt({{ x }} / 2) + 60)::bigint),
            lambda i: exp(({{ df }} / 2.0 + i) * ln({{ x }} / 2.0) - {{ x }} / 2.0 - lgamma({{ df }} / 2.0 + i + 1))
        )), 12))
    end)
{%- endmacro %}

{# The score test of k successes in n trials against a reference share p0 (the test the Wilson interval inverts):
   its two-sided p-value, NULL when either side is unpublished or p0 is 0 or 1. #}
{% macro score_test_p(k, n, p0) -%}
    (case when {{ n }} > 0 and {{ p0 }} > 0 and {{ p0 }} < 1 then
        {{ chi_square_upper_tail(
            '((' ~ k ~ ' - ' ~ n ~ ' * ' ~ p0 ~ ')^2 / (' ~ n ~ ' * ' ~ p0 ~ ' * (1 - ' ~ p0 ~ ')))', 1) }}
    end)
{%- endmacro %}

{# Holm's step-down adjustment within one family, given each p-value's size of family m and rank j (1 = smallest):
   the adjusted p-value is the running maximum over ranks of min(1, (m - j + 1) p). #}
{% macro holm_adjusted(p, m, j, partition) -%}
    (case when {{ p }} is not null then round(max(least(1.0, ({{ m }} - {{ j }} + 1) * {{ p }})) over (
        partition by {{ partition }} order by {{ j }} rows between unbounded preceding and current row
    ), 12) end)
{%- endmacro %}

{# above / below / not_different after adjustment: the comparison holds when the adjusted p-value is at most 0.05. #}
{% macro adjusted_comparison(share, reference_share, adjusted_p) -%}
    case
        when {{ adjusted_p }} is null then null
        when {{ adjusted_p }} > 0.05 then 'not_different'
        when {{ share }} > {{ reference_share }} then 'above'
        else 'below'
    end
{%- endmacro %}
