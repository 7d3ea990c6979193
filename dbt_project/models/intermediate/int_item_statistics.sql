-- Item statistics at the three levels at once: clusters, specialties (their clusters summed) and the nation
-- (all respondents pooled, never an average of shares). Suppression is applied here, before anything is compared.
-- A table: three marts and their tests read it; as a view each would compute it again.
{{ config(materialized='table') }}
with counts as (
    select
        case grouping(specialty_code, cluster_id)
            when 0 then 'cluster' when 1 then 'specialty' else 'national'
        end as level,
        wave,
        specialty_code,
        cluster_id,
        variable,
        sum(valid_answers)::bigint as valid_answers,
        sum(dont_know_answers)::bigint as dont_know_answers,
        sum(positive_answers)::bigint as positive_answers
    from {{ ref('int_cluster_item_counts') }}
    group by grouping sets (
        (wave, specialty_code, cluster_id, variable),
        (wave, specialty_code, variable),
        (wave, variable)
    )
)

select
    level,
    wave,
    specialty_code,
    cluster_id,
    variable,
    {{ item_statistics() }}
from counts
