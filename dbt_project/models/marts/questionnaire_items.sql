-- The published items with their Danish texts, so that reports need nothing but the marts.
select * from {{ ref('int_questionnaire_items') }}
{{ selected_wave_filter() }}
