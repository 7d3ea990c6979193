-- A declaration in seeds/item_equivalence.csv for a loaded wave must name that wave's previous wave and items that
-- exist in both waves; otherwise it would silently compare nothing.
with declared as (
    select e.* from {{ ref('item_equivalence') }} as e
    where e.wave in (select s.wave from {{ ref('int_wave_sequence') }} as s)
)

select
    d.wave,
    d.variable,
    d.previous_wave,
    d.previous_variable
from declared as d
left join {{ ref('int_wave_sequence') }} as s on d.wave = s.wave
where
    d.previous_wave is distinct from s.previous_wave
    or not exists (
        select 1 from {{ ref('int_questionnaire_items') }} as i
        where i.wave = d.wave and i.variable = d.variable
    )
    or not exists (
        select 1 from {{ ref('int_questionnaire_items') }} as i
        where i.wave = d.previous_wave and i.variable = d.previous_variable
    )
