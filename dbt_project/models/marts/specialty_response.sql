with final as (
    select
        wave,
        specialty_code,
        any_value(specialty_name) as specialty_name,
        count(*) as clusters,
        {{ response_totals() }}
    from {{ ref('cluster_response') }}
    group by wave, specialty_code
)

select * from final {{ selected_wave_filter() }}
