-- Answer-code distributions at the three levels: counts per code and their share of the unit's valid answers.
-- A table: three marts and their tests read it; as a view each would compute it again.
{{ config(materialized='table') }}
with counts as (
    {{ levels_from_clusters(ref('int_cluster_code_counts'), ['variable', 'code'],
                            {'label': 'any_value', 'is_dont_know': 'bool_or', 'answers': 'sum'}) }}
),

with_valid as (
    select
        c.*,
        p.distribution_suppression,
        sum(c.answers) filter (where not c.is_dont_know)
            over (partition by c.level, c.wave, c.specialty_code, c.cluster_id, c.variable) as valid_answers
    from counts as c
    left join {{ ref('int_suppression_pattern') }} as p
        on
            c.level = p.level and c.wave = p.wave and c.variable = p.variable
            and p.specialty_code is not distinct from c.specialty_code
            and p.cluster_id is not distinct from c.cluster_id
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
