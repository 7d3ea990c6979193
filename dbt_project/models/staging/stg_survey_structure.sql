select
    wave,
    variable,
    question_name,
    question_type,
    sub_type,
    question_text,
    choice_value,
    choice_text,
    position as variable_position
from {{ source('raw', 'survey_structure') }}
