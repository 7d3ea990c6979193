-- Per wave and item: the scale's "Ved ikke" code and its positive (top-2) codes, derived from Labels.
-- Substantive categories are ordered by code, since Labels does not always list them in display order.
with items as (
    select
        wave,
        variable,
        sub_type
    from {{ ref('stg_survey_structure') }}
    where
        question_type = 'Closed'
        and variable not in {{ sql_values(var('background_variables')) }}
        and question_name <> {{ sql_values(var('status_question')) }}
),

labels as (
    select
        l.wave,
        l.variable,
        l.code,
        l.label,
        lower(l.label) = 'ved ikke' as is_dont_know
    from {{ ref('stg_survey_labels') }} as l
),

substantive as (
    select
        wave,
        variable,
        code,
        row_number() over (partition by wave, variable order by code) as category_rank,
        count(*) over (partition by wave, variable) as categories
    from labels
    where not is_dont_know
)

select
    i.wave,
    i.variable,
    i.sub_type = 'Multiple' as is_multiple_choice,
    (
        select min(l.code) from labels as l
        where l.wave = i.wave and l.variable = i.variable and l.is_dont_know)
        as dont_know_code,
    case
        when i.sub_type = 'Multiple' then [1]
        else (
            select list(s.code order by s.code)
            from substantive as s
            where
                s.wave = i.wave and s.variable = i.variable
                and s.category_rank <= case when s.categories <= 2 then 1 else 2 end
        )
    end as positive_codes
from items as i
