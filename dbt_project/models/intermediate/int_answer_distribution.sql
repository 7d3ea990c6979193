-- Answer-code distributions at the three levels: counts per code and their share of the unit's valid answers.
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
        code,
        any_value(label) as label,
        bool_or(is_dont_know) as is_dont_know,
        sum(answers)::bigint as answers
    from {{ ref('int_cluster_code_counts') }}
    group by grouping sets (
        (wave, specialty_code, cluster_id, variable, code),
        (wave, specialty_code, variable, code),
        (wave, variable, code)
    )
),

with_valid as (
    select *, sum(answers) filter (where not is_dont_know) over (partition by level, wave, specialty_code, cluster_id, variable)
        as valid_answers
    from counts
)

select
    level,
    wave,
    specialty_code,
    cluster_id,
    variable,
    code,
    label,
    is_dont_know,
    {{ distribution_statistics('valid_answers') }}
from with_valid
