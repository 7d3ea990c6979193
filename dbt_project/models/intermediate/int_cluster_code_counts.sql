-- Per wave, roster cluster, item and answer code listed in Labels: how many respondents gave it; zero where none.
with scale_codes as (
    select
        l.wave,
        l.variable,
        l.code,
        l.label,
        coalesce(l.code = m.dont_know_code, false) as is_dont_know  -- a Labels code is never NULL
    from {{ ref('stg_survey_labels') }} as l
    inner join {{ ref('int_scale_metadata') }} as m using (wave, variable)
),

answer_counts as (
    select
        wave,
        cluster_id,
        variable,
        code,
        count(*) as answers
    from {{ ref('int_item_answers') }}
    group by wave, cluster_id, variable, code
)

select
    r.wave,
    r.specialty_code,
    r.cluster_id,
    s.variable,
    s.code,
    s.label,
    s.is_dont_know,
    coalesce(c.answers, 0) as answers
from {{ ref('stg_cluster_roster') }} as r
inner join scale_codes as s on r.wave = s.wave
left join answer_counts as c
    on r.wave = c.wave and r.cluster_id = c.cluster_id and s.variable = c.variable and s.code = c.code
where {{ selected_wave_condition('r.wave') }}
