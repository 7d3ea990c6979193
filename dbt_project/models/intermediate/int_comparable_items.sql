-- Each wave's items against the previous wave's: an item is compared with the previous wave's item of the same
-- variable when its question, statement and answer scale are the same (unchanged), or with the item the mapping
-- seed item_equivalence names (mapped). Items without a counterpart are new; previous items without one dropped.
with items as (
    select
        wave,
        variable,
        item_type,
        question_text,
        item_text,
        answer_scale,
        positive_label
    from {{ ref('int_questionnaire_items') }}
),

wave_pairs as (
    select
        wave,
        previous_wave
    from {{ ref('int_wave_sequence') }}
    where previous_wave is not null
),

declared as (
    select
        e.wave,
        e.variable,
        e.previous_variable
    from {{ ref('item_equivalence') }} as e
    -- a declaration holds for the pair of waves it names, so a later wave is never compared by mistake
    inner join wave_pairs as p on e.wave = p.wave and e.previous_wave = p.previous_wave
),

current_items as (
    select
        i.*,
        p.previous_wave,
        coalesce(d.previous_variable, i.variable) as previous_variable,
        d.variable is not null as is_declared
    from items as i
    inner join wave_pairs as p on i.wave = p.wave
    left join declared as d on i.wave = d.wave and i.variable = d.variable
),

matched as (
    select
        c.wave,
        c.previous_wave,
        c.variable,
        c.previous_variable,
        case
            when o.variable is null then 'new'
            when c.is_declared then 'mapped'
            when
                c.item_type <> o.item_type
                or coalesce(c.answer_scale, '') <> coalesce(o.answer_scale, '')
                or coalesce(c.positive_label, '') <> coalesce(o.positive_label, '')
                then 'rescaled'
            when c.question_text <> o.question_text or c.item_text <> o.item_text then 'reworded'
            else 'unchanged'
        end as change
    from current_items as c
    left join items as o on c.previous_wave = o.wave and c.previous_variable = o.variable
),

dropped as (
    select
        p.wave,
        p.previous_wave,
        o.variable,
        o.variable as previous_variable,
        'dropped' as change
    from wave_pairs as p
    inner join items as o on p.previous_wave = o.wave
    where not exists (
        select 1 from matched as m
        where m.wave = p.wave and m.previous_variable = o.variable and m.change <> 'new'
    )
)

select
    wave,
    previous_wave,
    variable,
    case when change = 'new' then null else previous_variable end as previous_variable,
    change,
    change in ('unchanged', 'mapped') as is_comparable
from matched
union all
select
    wave,
    previous_wave,
    variable,
    previous_variable,
    change,
    false as is_comparable
from dropped
