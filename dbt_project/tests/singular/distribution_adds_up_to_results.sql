{{ config(meta={'dagster': {'ref': {'name': 'cluster_results'}}}) }}
-- At every published cell, the distribution's valid answers add up to n_valid and their shares to 1.
with distribution as (
    select
        wave,
        cluster_id,
        variable,
        sum(n) filter (where not is_dont_know) as n_valid,
        sum(n) filter (where is_dont_know) as n_dont_know,
        sum(share) as total_share
    from {{ ref('cluster_distribution') }}
    where not suppressed and {{ selected_wave_condition() }}
    group by wave, cluster_id, variable
)

select
    r.wave,
    r.cluster_id,
    r.variable,
    r.n_valid,
    r.n_dont_know,
    d.n_valid as distribution_n_valid,
    d.n_dont_know as distribution_n_dont_know,
    d.total_share
from {{ ref('cluster_results') }} as r
inner join distribution as d
    on r.wave = d.wave and r.cluster_id = d.cluster_id and r.variable = d.variable
where
    r.n_valid <> d.n_valid
    or coalesce(r.n_dont_know, 0) <> coalesce(d.n_dont_know, 0)
    or abs(d.total_share - 1) > 1e-9
