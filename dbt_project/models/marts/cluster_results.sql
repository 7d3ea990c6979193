{{ config(post_hook="{{ refresh_wave_order() }}") }}
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

final as (
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
        {{ compare_with('c.ci_low', 'c.ci_high', 's.share_positive') }} as vs_specialty,
        {{ compare_with('c.ci_low', 'c.ci_high', 'n.share_positive') }} as vs_national
    from clusters as c
    inner join specialties as s using (wave, specialty_code, variable)
    inner join nation as n using (wave, variable)
)

{{ described('cluster') }}
