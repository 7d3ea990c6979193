-- Per wave and roster cluster: invited (status 2-5), respondents (4, Gennemført) and partial (3, Nogle svar).
select
    r.wave,
    r.cluster_id,
    count(s.respondent_key) filter (where s.status_code in {{ sql_values(var('status_invited')) }}) as invited,
    count(s.respondent_key) filter (where s.status_code = {{ var('status_completed') }}) as respondents,
    count(s.respondent_key) filter (where s.status_code = {{ var('status_partial') }}) as partial
from {{ ref('stg_cluster_roster') }} as r
left join {{ ref('stg_survey_respondents') }} as s
    on r.wave = s.wave and r.cluster_id = s.cluster_id
where {{ selected_wave_condition('r.wave') }}
group by r.wave, r.cluster_id
