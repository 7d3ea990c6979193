select
    wave,
    respondent_key,
    variable,
    code
from {{ source('raw', 'survey_answers') }}
