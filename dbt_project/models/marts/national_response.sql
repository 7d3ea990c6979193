select
    wave,
    count(distinct specialty_code) as specialties,
    count(*) as clusters,
    {{ response_totals() }}
from {{ ref('cluster_response') }}
group by wave
