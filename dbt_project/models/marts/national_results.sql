{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        wave,
        variable,
        n_valid,
        n_dont_know,
        n_positive,
        share_positive,
        ci_low,
        ci_high,
        suppressed,
        suppression
    from {{ ref('int_item_statistics') }}
    where level = 'national'
)

{{ described('national') }}
