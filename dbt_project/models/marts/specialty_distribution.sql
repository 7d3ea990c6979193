{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        wave,
        specialty_code,
        variable,
        code,
        label,
        is_dont_know,
        n,
        share,
        suppressed,
        suppression
    from {{ ref('int_answer_distribution') }}
    where level = 'specialty'
)

{{ described('specialty') }}
