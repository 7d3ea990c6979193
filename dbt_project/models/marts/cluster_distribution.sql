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

select * from final {{ selected_wave_filter() }}
