-- One name per wave and specialty code (the roster's, the first in sort order should it vary).
select
    wave,
    specialty_code,
    min(specialty_name) as specialty_name
from {{ ref('stg_cluster_roster') }}
group by wave, specialty_code
