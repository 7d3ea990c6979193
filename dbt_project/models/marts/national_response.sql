{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        wave,
        count(distinct specialty_code) as specialties,
        count(*) as clusters,
        {{ response_totals() }}
    from {{ ref('cluster_response') }}
    group by wave
)

{{ described('national', has_item=false) }}
