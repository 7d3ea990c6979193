select
    wave,
    respondent_key,
    source_row,
    klynge as cluster_id,
    speciale as specialty_code,
    region as region_code,
    statoverall as status_code,
    starttime as started_at,
    closetime as completed_at,
    difftime as duration_seconds
from {{ source('raw', 'survey_respondents') }}
