{{ config(meta={'dagster': {'ref': {'name': 'cluster_results'}}}) }}
-- Every item has a row for every cluster, every specialty and the nation of its wave.
with expected as (
    select
        r.wave,
        count(distinct r.cluster_id) as clusters,
        count(distinct r.specialty_code) as specialties,
        (
            select count(*) from {{ ref('int_scale_metadata') }} as m
            where m.wave = r.wave
        ) as items
    from {{ ref('stg_cluster_roster') }} as r
    where {{ selected_wave_condition('r.wave') }}
    group by r.wave
),

actual as (
    select
        wave,
        (
            select count(*) from {{ ref('cluster_results') }} as c
            where c.wave = e.wave
        ) as cluster_rows,
        (
            select count(*) from {{ ref('specialty_results') }} as s
            where s.wave = e.wave
        ) as specialty_rows,
        (
            select count(*) from {{ ref('national_results') }} as n
            where n.wave = e.wave
        ) as national_rows
    from expected as e
)

select
    e.wave,
    e.clusters,
    e.specialties,
    e.items,
    a.cluster_rows,
    a.specialty_rows,
    a.national_rows
from expected as e
inner join actual as a on e.wave = a.wave
where
    a.cluster_rows <> e.clusters * e.items
    or a.specialty_rows <> e.specialties * e.items
    or a.national_rows <> e.items
