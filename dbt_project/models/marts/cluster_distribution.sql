{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        wave,
        cluster_id,
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
    where level = 'cluster'
)

{{ described('cluster') }}
