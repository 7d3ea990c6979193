-- Respondents' (status 4) closed answers in long form, one row per respondent and item, with the scale's meaning.
select
    a.wave,
    r.respondent_key,
    r.cluster_id,
    r.specialty_code,
    a.variable,
    a.code,
    m.is_multiple_choice,
    coalesce(a.code = m.dont_know_code, false) as is_dont_know,
    not coalesce(a.code = m.dont_know_code, false) as is_valid,
    list_contains(m.positive_codes, a.code) as is_positive
from {{ ref('stg_survey_answers') }} as a
inner join {{ ref('stg_survey_respondents') }} as r using (wave, source_row)
inner join {{ ref('int_scale_metadata') }} as m using (wave, variable)
where r.status_code = {{ var('status_completed') }} and {{ selected_wave_condition('a.wave') }}
