{{ config(materialized='table') }}
-- Rebuilt whole on every build: a wave's trends depend on its previous wave, which another run may have replaced.
{{ share_trends('specialty_results', ['specialty_code'], 'specialty_response', ['specialty_name']) }}
