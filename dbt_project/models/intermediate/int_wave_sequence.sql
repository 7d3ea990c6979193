-- Every wave in the warehouse in fieldwork order (its first response; a wave without start times after the dated
-- ones), with the wave before it: trends compare each wave with its previous one.
with waves as (
    select
        r.wave,
        min(s.started_at)::date as fieldwork_start
    from {{ ref('stg_cluster_roster') }} as r
    left join {{ ref('stg_survey_respondents') }} as s using (wave)
    group by r.wave
)

select
    wave,
    fieldwork_start,
    lag(wave) over (order by fieldwork_start asc nulls last, wave asc) as previous_wave
from waves
