select
    wave,
    source_file,
    rows_received,
    rows_accepted,
    rows_quarantined,
    rows_duplicate,
    nul_bytes_dropped
from {{ source('raw', 'load_summary') }}
