{# Rows for which a boolean SQL expression over the model's columns is false (dbt_utils.expression_is_true, which we cannot install). The expression is written in this project's YAML, never taken from data. #}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
