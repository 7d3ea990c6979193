{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with specialties as (
    select * from {{ ref('int_item_statistics') }}
    where level = 'specialty'
),

published_clusters as (
    select
        wave,
        specialty_code,
        cluster_id,
        variable,
        n_valid,
        n_positive,
        share_positive
    from {{ ref('int_item_statistics') }}
    where level = 'cluster' and not suppressed
),

-- The spread and the test of homogeneity count only the clusters that are themselves published, so neither says
-- anything about a hidden cell.
spread as (
    select
        wave,
        specialty_code,
        variable,
        count(*) as clusters_published,
        min(share_positive) as cluster_min,
        max(share_positive) as cluster_max,
        sum(n_positive)::double / sum(n_valid) as pooled_share
    from published_clusters
    group by wave, specialty_code, variable
),

-- Pearson's chi-square test that the published clusters share one positive share (a 2 x clusters table).
homogeneity as (
    select
        c.wave,
        c.specialty_code,
        c.variable,
        -- summed in cluster order: a parallel sum of doubles may differ in the last bit from run to run
        round(list_sum(list(
            (c.n_positive - c.n_valid * p.pooled_share) ^ 2 / (c.n_valid * p.pooled_share * (1 - p.pooled_share))
            order by c.cluster_id
        )), 12) as cluster_chi_square,
        count(*) - 1 as cluster_chi_square_df
    from published_clusters as c
    inner join spread as p using (wave, specialty_code, variable)
    where p.clusters_published >= 2 and p.pooled_share > 0 and p.pooled_share < 1
    group by c.wave, c.specialty_code, c.variable
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
        h.cluster_chi_square,
        h.cluster_chi_square_df,
        {{ chi_square_upper_tail('h.cluster_chi_square', 'h.cluster_chi_square_df') }} as cluster_chi_square_p,
        {{ compare_with('s.ci_low', 's.ci_high', 'n.share_positive') }} as vs_national
    from specialties as s
    inner join nation as n using (wave, variable)
    left join spread as p using (wave, specialty_code, variable)
    left join homogeneity as h using (wave, specialty_code, variable)
)

{{ described('specialty') }}
