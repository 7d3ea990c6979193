{# Published cells whose Wilson interval does not contain their own share, or is missing. #}
{% test interval_contains_share(model) %}
select *
from {{ model }}
where not suppressed
  and (ci_low is null or ci_high is null or not (ci_low <= share_positive and share_positive <= ci_high))
{% endtest %}
