{{ config(post_hook=after_commit("{{ refresh_wave_order() }}")) }}
with final as (
    select
        r.wave,
        r.cluster_id,
        r.specialty_code,
        r.members,
        c.invited,
        c.respondents,
        c.partial,
        c.respondents / r.members as response_rate
    from {{ ref('stg_cluster_roster') }} as r
    inner join {{ ref('int_cluster_response_counts') }} as c using (wave, cluster_id)
)

{{ described('cluster', has_item=false) }}
