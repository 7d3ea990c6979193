with final as (
    select
        r.wave,
        r.cluster_id,
        r.cluster_name,
        r.specialty_code,
        r.specialty_name,
        r.region,
        r.members,
        c.invited,
        c.respondents,
        c.partial,
        c.respondents / r.members as response_rate
    from {{ ref('stg_cluster_roster') }} as r
    inner join {{ ref('int_cluster_response_counts') }} as c using (wave, cluster_id)
)

select * from final {{ selected_wave_filter() }}
