{{ config(materialized='table') }}
-- Rebuilt whole on every build: a wave's trends depend on its previous wave, which another run may have replaced.
{{ response_trends('specialty_response', ['specialty_code'], ['specialty_name']) }}
