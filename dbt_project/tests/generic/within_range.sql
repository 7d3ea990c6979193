{# Rows whose value lies outside [min_value, max_value] (either bound may be left out); NULLs pass
   (dbt_utils.accepted_range, which we cannot install). #}
{% test within_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where false
    {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
    {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
{% endtest %}
