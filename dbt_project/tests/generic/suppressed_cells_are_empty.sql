{# Suppressed cells that still show a count, a share or an interval, or whose flag and reason disagree. #}
{% test suppressed_cells_are_empty(model) %}
select *
from {{ model }}
where (suppressed and coalesce(n_valid, n_dont_know, n_positive, share_positive, ci_low, ci_high) is not null)
   or suppressed <> (suppression is not null)
{% endtest %}
