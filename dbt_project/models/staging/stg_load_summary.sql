select wave, source_file, rows_received, rows_accepted, rows_quarantined, rows_duplicate
from {{ source('raw', 'load_summary') }}
