-- Item statistics at the three levels at once: clusters, specialties (their clusters summed) and the nation
-- (all respondents pooled, never an average of shares). Suppression is applied here, before anything is compared.
-- A table: three marts and their tests read it; as a view each would compute it again.
{{ config(materialized='table') }}
with counts as (
    {{ levels_from_clusters(ref('int_cluster_item_counts'), ['variable'],
                            {'valid_answers': 'sum', 'dont_know_answers': 'sum', 'positive_answers': 'sum'}) }}
)

select
    level,
    wave,
    specialty_code,
    cluster_id,
    variable,
    {{ item_statistics() }}
from counts
