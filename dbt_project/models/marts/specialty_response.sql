select
    wave,
    specialty_code,
    any_value(specialty_name) as specialty_name,
    count(*) as clusters,
    sum(members)::bigint as members,
    sum(invited)::bigint as invited,
    sum(respondents)::bigint as respondents,
    sum(partial)::bigint as partial,
    sum(respondents) / sum(members) as response_rate
from {{ ref('cluster_response') }}
group by wave, specialty_code
