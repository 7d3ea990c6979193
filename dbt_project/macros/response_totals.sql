{# Participation summed over clusters; the rate is recomputed from the sums, never averaged. #}
{% macro response_totals() -%}
    sum(members)::bigint as members,
    sum(invited)::bigint as invited,
    sum(respondents)::bigint as respondents,
    sum(partial)::bigint as partial,
    sum(respondents) / sum(members) as response_rate
{%- endmacro %}
