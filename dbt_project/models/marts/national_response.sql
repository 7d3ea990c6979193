select
    wave,
    count(distinct specialty_code) as specialties,
    count(*) as clusters,
    sum(members)::bigint as members,
    sum(invited)::bigint as invited,
    sum(respondents)::bigint as respondents,
    sum(partial)::bigint as partial,
    sum(respondents) / sum(members) as response_rate
from {{ ref('cluster_response') }}
group by wave
