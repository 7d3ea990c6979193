select
    wave,
    klynge_id as cluster_id,
    klynge_navn as cluster_name,
    speciale_kode as specialty_code,
    speciale as specialty_name,
    region,
    antal_medlemmer as members
from {{ source('raw', 'cluster_roster') }}
