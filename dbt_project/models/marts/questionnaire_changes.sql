{{ config(materialized='table') }}
-- Per wave, the items that changed since the previous wave (rebuilt whole, as the trends are).
with changes as (
    select * from {{ ref('int_comparable_items') }}
    where change <> 'unchanged'
),

items as (
    select
        wave,
        variable,
        item_text
    from {{ ref('int_questionnaire_items') }}
)

select
    c.wave,
    c.previous_wave,
    c.variable,
    c.previous_variable,
    c.change,
    i.item_text,
    o.item_text as previous_item_text
from changes as c
left join items as i on c.wave = i.wave and c.variable = i.variable and c.change <> 'dropped'
left join items as o on c.previous_wave = o.wave and c.previous_variable = o.variable
