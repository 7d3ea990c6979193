{# Files whose rows do not add up: received = accepted + quarantined + duplicate, always. #}
{% test rows_accounted_for(model) %}
select *
from {{ model }}
where rows_received <> rows_accepted + rows_quarantined + rows_duplicate
{% endtest %}
