{{ config(materialized='table') }}
-- Rebuilt whole on every build: a wave's trends depend on its previous wave, which another run may have replaced.
{{ share_trends(
    'cluster_results', ['cluster_id', 'specialty_code'], 'cluster_response', ['cluster_name', 'specialty_name', 'region']
) }}
