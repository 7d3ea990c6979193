{{ config(materialized='table') }}
-- Rebuilt whole on every build: a wave's trends depend on its previous wave, which another run may have replaced.
{{ response_trends(
    'cluster_response', ['cluster_id', 'specialty_code'], ['cluster_name', 'specialty_name', 'region']
) }}
