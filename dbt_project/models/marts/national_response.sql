with final as (
    select
        wave,
        count(distinct specialty_code) as specialties,
        count(*) as clusters,
        {{ response_totals() }}
    from {{ ref('cluster_response') }}
    group by wave
)

select * from final {{ selected_wave_filter() }}
