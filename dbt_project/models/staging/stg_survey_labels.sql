select
    wave,
    variable,
    code,
    trim(label) as label,
    position as label_position
from {{ source('raw', 'survey_labels') }}
