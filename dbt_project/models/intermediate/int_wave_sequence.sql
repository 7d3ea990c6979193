{{ config(materialized='table') }}
-- A table, built once per build: some 25 models, hooks and tests read it, and as a view each would scan every
-- respondent again.
-- Every wave in the warehouse in fieldwork order (its first response; a wave without start times after the dated
-- ones, then by name), with its fieldwork dates, its place in that order and the wave before it: trends compare
-- each wave with its previous one, and BI tools put waves on a time axis by wave_order.
with waves as (
    select distinct wave from {{ ref('stg_cluster_roster') }}
),

fieldwork as (
    select
        wave,
        min(started_at)::date as fieldwork_start,
        coalesce(max(completed_at), max(started_at))::date as fieldwork_end
    from {{ ref('stg_survey_respondents') }}
    group by wave
),

dated as (
    select
        w.wave,
        f.fieldwork_start,
        f.fieldwork_end
    from waves as w
    left join fieldwork as f on w.wave = f.wave
)

select
    wave,
    fieldwork_start,
    fieldwork_end,
    row_number() over (order by fieldwork_start asc nulls last, wave asc)::integer as wave_order,
    lag(wave) over (order by fieldwork_start asc nulls last, wave asc) as previous_wave
from dated
