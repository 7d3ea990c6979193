{# A mart as BI tools want it: the rows of `final` with the wave's fieldwork dates and order, the unit's names and the
   item's Danish text beside the keys, so that a chart needs no join. level: cluster, specialty or national. #}
{% macro described(level, has_item=true) -%}
{%- set keys = {'cluster': ['cluster_id', 'specialty_code'], 'specialty': ['specialty_code'], 'national': []}[level] -%}
select
    f.wave,
    w.fieldwork_start as wave_start,
    w.fieldwork_end as wave_end,
    w.wave_order,
    {% if level == 'cluster' -%}
    f.cluster_id,
    u.cluster_name,
    f.specialty_code,
    u.specialty_name,
    u.region,
    {% elif level == 'specialty' -%}
    f.specialty_code,
    u.specialty_name,
    {% endif -%}
    {% if has_item -%}
    f.variable,
    i.item_text,
    {% endif -%}
    f.* exclude (wave{% for key in keys %}, {{ key }}{% endfor %}{% if has_item %}, variable{% endif %})
from final as f
inner join {{ ref('int_wave_sequence') }} as w on f.wave = w.wave
{% if level == 'cluster' -%}
    inner join {{ ref('stg_cluster_roster') }} as u on f.wave = u.wave and f.cluster_id = u.cluster_id
{% elif level == 'specialty' -%}
    inner join {{ ref('int_specialties') }} as u on f.wave = u.wave and f.specialty_code = u.specialty_code
{% endif -%}
{% if has_item -%}
    inner join {{ ref('int_questionnaire_items') }} as i on f.wave = i.wave and f.variable = i.variable
{% endif -%}
where {{ selected_wave_condition('f.wave') }}
{%- endmacro %}

{# A wave's order changes when an earlier wave lands later, or one is removed: every build renumbers all waves'
   rows of the incremental marts, so the order never goes stale (run as a post-hook). The marts run it after their
   commit (after_commit): inside the transaction that has just written the mart, the update had to hold the
   uncommitted rows in memory, and ran out of a 700 MB cap at 10^6 respondents (docs/performance.md). #}
{% macro refresh_wave_order() -%}
    update {{ this }} as t
    set wave_order = s.wave_order
    from {{ ref('int_wave_sequence') }} as s
    where t.wave = s.wave and t.wave_order <> s.wave_order
{%- endmacro %}
