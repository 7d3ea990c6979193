-- Per wave, roster cluster and item: respondents' valid, "Ved ikke" and positive answers; zero where there are none,
-- so every item has a row for every cluster.
-- A table: int_suppression_pattern and int_item_statistics read it; as a view each would count the answers again.
{{ config(materialized='table') }}
with answer_counts as (
    select
        wave,
        cluster_id,
        variable,
        count(*) filter (where is_valid) as valid_answers,
        count(*) filter (where is_dont_know) as dont_know_answers,
        count(*) filter (where is_positive) as positive_answers
    from {{ ref('int_item_answers') }}
    group by wave, cluster_id, variable
)

select
    r.wave,
    r.specialty_code,
    r.cluster_id,
    m.variable,
    coalesce(c.valid_answers, 0) as valid_answers,
    coalesce(c.dont_know_answers, 0) as dont_know_answers,
    coalesce(c.positive_answers, 0) as positive_answers
from {{ ref('stg_cluster_roster') }} as r
inner join {{ ref('int_scale_metadata') }} as m on r.wave = m.wave
left join answer_counts as c
    on r.wave = c.wave and r.cluster_id = c.cluster_id and m.variable = c.variable
where {{ selected_wave_condition('r.wave') }}
