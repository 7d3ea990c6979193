-- Item statistics at the three levels at once: clusters, specialties (their clusters summed) and the nation
-- (all respondents pooled, never an average of shares). Suppression (int_suppression_pattern) is applied here,
-- before anything is compared.
-- A table: three marts and their tests read it; as a view each would compute it again.
{{ config(materialized='table') }}
with counts as (
    {{ levels_from_clusters(ref('int_cluster_item_counts'), ['variable'],
                            {'valid_answers': 'sum', 'dont_know_answers': 'sum', 'positive_answers': 'sum'}) }}
)

select
    c.level,
    c.wave,
    c.specialty_code,
    c.cluster_id,
    c.variable,
    {{ item_statistics() }}
from counts as c
left join {{ ref('int_suppression_pattern') }} as p
    on
        c.level = p.level and c.wave = p.wave and c.variable = p.variable
        and p.specialty_code is not distinct from c.specialty_code and p.cluster_id is not distinct from c.cluster_id
