{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        wave,
        specialty_code,
        count(*) as clusters,
        {{ response_totals() }}
    from {{ ref('cluster_response') }}
    group by wave, specialty_code
)

{{ described('specialty', has_item=false) }}
