-- Per wave and roster cluster: invited (status 2-5), respondents (4, Gennemført) and partial (3, Nogle svar).
select
    r.wave,
    r.cluster_id,
    count(s.respondent_key) filter (where s.status_code in (2, 3, 4, 5)) as invited,
    count(s.respondent_key) filter (where s.status_code = 4) as respondents,
    count(s.respondent_key) filter (where s.status_code = 3) as partial
from {{ ref('stg_cluster_roster') }} as r
left join {{ ref('stg_survey_respondents') }} as s
    on s.wave = r.wave and s.cluster_id = r.cluster_id
where {{ selected_wave_condition('r.wave') }}
group by r.wave, r.cluster_id
