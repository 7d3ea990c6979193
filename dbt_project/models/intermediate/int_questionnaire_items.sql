-- Every wave's items with their Danish texts and answer scale: published as questionnaire_items, and compared
-- between waves to find the items whose trends can be shown.
with structure as (
    select * from {{ ref('stg_survey_structure') }}
),

answer_scales as (
    select
        wave,
        variable,
        string_agg(code || ' ' || label, '; ' order by code) as answer_scale
    from {{ ref('stg_survey_labels') }}
    group by wave, variable
),

positive_labels as (
    select
        m.wave,
        m.variable,
        string_agg(l.label, ' + ' order by l.code) as positive_label
    from {{ ref('int_scale_metadata') }} as m
    inner join {{ ref('stg_survey_labels') }} as l
        on m.wave = l.wave and m.variable = l.variable and list_contains(m.positive_codes, l.code)
    group by m.wave, m.variable
),

final as (
    select
        m.wave,
        m.variable,
        s.question_name,
        s.variable_position,
        case when m.is_multiple_choice then 'multiple' else 'single' end as item_type,
        trim(s.question_text) as question_text,
        case
            when m.is_multiple_choice then trim(s.choice_text)
            -- Statements of a grid share one question; SurveyXact appends the statement after ' - '.
            when s.question_text like '% - %' then trim(regexp_extract(s.question_text, ' - ([^-]*)$', 1))
            else trim(s.question_text)
        end as item_text,
        a.answer_scale,
        p.positive_label
    from {{ ref('int_scale_metadata') }} as m
    inner join structure as s using (wave, variable)
    left join answer_scales as a using (wave, variable)
    left join positive_labels as p using (wave, variable)
)

select * from final
