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

select * from final {{ selected_wave_filter() }}
