{{ config(post_hook="{{ refresh_wave_order() }}") }}
with specialties as (
    select * from {{ ref('int_item_statistics') }}
    where level = 'specialty'
),

-- The spread counts only the clusters that are themselves published.
published_clusters as (
    select
        wave,
        specialty_code,
        variable,
        count(*) as clusters_published,
        min(share_positive) as cluster_min,
        max(share_positive) as cluster_max
    from {{ ref('int_item_statistics') }}
    where level = 'cluster' and not suppressed
    group by wave, specialty_code, variable
),

nation as (
    select
        wave,
        variable,
        share_positive
    from {{ ref('int_item_statistics') }}
    where level = 'national'
),

final as (
    select
        s.wave,
        s.specialty_code,
        s.variable,
        s.n_valid,
        s.n_dont_know,
        s.n_positive,
        s.share_positive,
        s.ci_low,
        s.ci_high,
        s.suppressed,
        s.suppression,
        coalesce(p.clusters_published, 0) as clusters_published,
        p.cluster_min,
        p.cluster_max,
        {{ compare_with('s.ci_low', 's.ci_high', 'n.share_positive') }} as vs_national
    from specialties as s
    inner join nation as n using (wave, variable)
    left join published_clusters as p using (wave, specialty_code, variable)
)

{{ described('specialty') }}
