with final as (
    select
        wave,
        source_file,
        rows_received,
        rows_accepted,
        rows_quarantined,
        rows_duplicate,
        nul_bytes_dropped
    from {{ ref('stg_load_summary') }}
)

select * from final
{{ selected_wave_filter() }}
