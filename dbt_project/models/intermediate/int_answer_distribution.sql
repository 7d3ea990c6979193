-- Answer-code distributions at the three levels: counts per code and their share of the unit's valid answers.
-- A table: three marts and their tests read it; as a view each would compute it again.
{{ config(materialized='table') }}
with counts as (
    {{ levels_from_clusters(ref('int_cluster_code_counts'), ['variable', 'code'],
                            {'label': 'any_value', 'is_dont_know': 'bool_or', 'answers': 'sum'}) }}
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
