select
    wave,
    source_row,
    variable,
    code
from {{ source('raw', 'survey_answers') }}
