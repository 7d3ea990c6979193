{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with clusters as (
    select * from {{ ref('int_item_statistics') }}
    where level = 'cluster'
),

specialties as (
    select
        wave,
        specialty_code,
        variable,
        share_positive
    from {{ ref('int_item_statistics') }}
    where level = 'specialty'
),

nation as (
    select
        wave,
        variable,
        share_positive
    from {{ ref('int_item_statistics') }}
    where level = 'national'
),

compared as (
    select
        c.wave,
        c.cluster_id,
        c.specialty_code,
        c.variable,
        c.n_valid,
        c.n_dont_know,
        c.n_positive,
        c.share_positive,
        c.ci_low,
        c.ci_high,
        c.suppressed,
        c.suppression,
        s.share_positive as specialty_share,
        n.share_positive as national_share,
        {{ compare_with('c.ci_low', 'c.ci_high', 's.share_positive') }} as vs_specialty,
        {{ compare_with('c.ci_low', 'c.ci_high', 'n.share_positive') }} as vs_national,
        {{ score_test_p('c.n_positive', 'c.n_valid', 's.share_positive') }} as p_vs_specialty,
        {{ score_test_p('c.n_positive', 'c.n_valid', 'n.share_positive') }} as p_vs_national
    from clusters as c
    inner join specialties as s using (wave, specialty_code, variable)
    inner join nation as n using (wave, variable)
),

-- A cluster package compares all of the cluster's items at once: each comparison is one family per cluster and wave.
ranked as (
    select
        *,
        count(p_vs_specialty) over (partition by wave, cluster_id) as specialty_tests,
        row_number() over (
            partition by wave, cluster_id order by p_vs_specialty nulls last, variable
        ) as specialty_rank,
        count(p_vs_national) over (partition by wave, cluster_id) as national_tests,
        row_number() over (
            partition by wave, cluster_id order by p_vs_national nulls last, variable
        ) as national_rank
    from compared
),

adjusted as (
    select
        *,
        {{ holm_adjusted('p_vs_specialty', 'specialty_tests', 'specialty_rank', 'wave, cluster_id') }}
            as p_vs_specialty_holm,
        {{ holm_adjusted('p_vs_national', 'national_tests', 'national_rank', 'wave, cluster_id') }}
            as p_vs_national_holm
    from ranked
),

final as (
    select
        * exclude (specialty_share, national_share, specialty_tests, specialty_rank, national_tests, national_rank),
        {{ adjusted_comparison('share_positive', 'specialty_share', 'p_vs_specialty_holm') }} as vs_specialty_holm,
        {{ adjusted_comparison('share_positive', 'national_share', 'p_vs_national_holm') }} as vs_national_holm
    from adjusted
)

{{ described('cluster') }}
