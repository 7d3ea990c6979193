-- The benchmark's floor: the published marts computed by DuckDB alone, in one script, from the export files
-- transcoded to UTF-8. It reads the views src_dataset, src_labels, src_structure and src_roster (all text) and
-- the variables wave, min_cell, dataset_file and roster_file, which baseline.py sets. There is no validation, no
-- pseudonymisation and no quarantine: the floor is what the arithmetic alone costs on a clean export.

CREATE SCHEMA marts;

CREATE TEMP TABLE structure AS
SELECT
    trim(variableName) AS column_name,
    CASE WHEN questionType = 'Closed' AND subType = 'Multiple' THEN lower(trim(questionName)) || '_' || trim(choiceValue)
         ELSE lower(trim(questionName)) END AS variable,
    trim(questionName) AS question_name,
    trim(questionType) AS question_type,
    trim(subType) AS sub_type,
    trim(questionText) AS question_text,
    nullif(trim(choiceText), '') AS choice_text,
    (row_number() OVER () - 1)::INTEGER AS position
FROM src_structure;

CREATE TEMP TABLE labels AS
SELECT s.variable, trim(l.code)::INTEGER AS code, trim(l.label) AS label
FROM src_labels AS l JOIN structure AS s ON s.column_name = trim(l.variable_name);

CREATE TEMP TABLE items AS
WITH closed AS (
    SELECT variable, sub_type FROM structure
    WHERE question_type = 'Closed' AND NOT list_contains(getvariable('background_variables'), variable)
      AND question_name <> getvariable('status_question')
),
substantive AS (
    SELECT variable, code,
           row_number() OVER (PARTITION BY variable ORDER BY code) AS category_rank,
           count(*) OVER (PARTITION BY variable) AS categories
    FROM labels WHERE lower(label) <> 'ved ikke'
)
SELECT
    c.variable,
    c.sub_type = 'Multiple' AS is_multiple_choice,
    (SELECT min(code) FROM labels AS l WHERE l.variable = c.variable AND lower(l.label) = 'ved ikke') AS dont_know_code,
    CASE WHEN c.sub_type = 'Multiple' THEN [1]
         ELSE (SELECT list(code ORDER BY code) FROM substantive AS s
               WHERE s.variable = c.variable AND s.category_rank <= CASE WHEN s.categories <= 2 THEN 1 ELSE 2 END)
    END AS positive_codes
FROM closed AS c;

CREATE TEMP TABLE roster AS
SELECT klynge_id::INTEGER AS cluster_id, klynge_navn AS cluster_name, speciale_kode::INTEGER AS specialty_code,
       speciale AS specialty_name, region, antal_medlemmer::INTEGER AS members
FROM src_roster;

CREATE TEMP TABLE respondents AS
SELECT row_number() OVER () AS respondent, klynge::INTEGER AS cluster_id,
       CASE '1' WHEN statoverall_1 THEN 1 WHEN statoverall_2 THEN 2 WHEN statoverall_3 THEN 3
                WHEN statoverall_4 THEN 4 WHEN statoverall_5 THEN 5 END AS status_code,
       COLUMNS('^s_[0-9]')
FROM src_dataset;

-- The wave's fieldwork dates; a benchmark has one wave, first in order.
CREATE TEMP TABLE fieldwork AS
SELECT min(try_cast(nullif(starttime, '') AS TIMESTAMP))::DATE AS wave_start,
       coalesce(max(try_cast(nullif(closetime, '') AS TIMESTAMP)),
                max(try_cast(nullif(starttime, '') AS TIMESTAMP)))::DATE AS wave_end,
       1 AS wave_order
FROM src_dataset;

CREATE TEMP TABLE specialties AS
SELECT specialty_code, min(specialty_name) AS specialty_name FROM roster GROUP BY specialty_code;

-- Completed respondents' answers to the items, counted per cluster and code.
CREATE TEMP TABLE code_counts AS
WITH answers AS (
    UNPIVOT (SELECT cluster_id, COLUMNS('^s_[0-9]') FROM respondents WHERE status_code = getvariable('status_completed'))
    ON COLUMNS('^s_[0-9]') INTO NAME column_name VALUE code_text
)
SELECT a.cluster_id, s.variable, a.code_text::INTEGER AS code, count(*) AS answers
FROM answers AS a JOIN structure AS s USING (column_name) JOIN items AS i USING (variable)
GROUP BY ALL;

CREATE TEMP TABLE cluster_code_counts AS
SELECT r.specialty_code, r.cluster_id, l.variable, l.code, l.label,
       l.code IS NOT DISTINCT FROM i.dont_know_code AS is_dont_know,
       list_contains(i.positive_codes, l.code) AS is_positive,
       coalesce(c.answers, 0) AS answers
FROM roster AS r
CROSS JOIN labels AS l
JOIN items AS i USING (variable)
LEFT JOIN code_counts AS c ON c.cluster_id = r.cluster_id AND c.variable = l.variable AND c.code = l.code;

CREATE TEMP TABLE cluster_item_counts AS
SELECT specialty_code, cluster_id, variable,
       coalesce(sum(answers) FILTER (WHERE NOT is_dont_know), 0)::BIGINT AS valid_answers,
       coalesce(sum(answers) FILTER (WHERE is_positive AND NOT is_dont_know), 0)::BIGINT AS positive_answers
FROM cluster_code_counts GROUP BY ALL;

-- Here baseline.py computes the temp table `pattern` from cluster_item_counts with kvis_pipeline.warehouse.suppression
-- (hiding cells that would give away hidden ones is a fixpoint over the tree of sums, not one query).
-- @suppression_pattern

CREATE TEMP TABLE item_statistics AS
WITH counts AS (
    SELECT
        CASE grouping(specialty_code, cluster_id) WHEN 0 THEN 'cluster' WHEN 1 THEN 'specialty' ELSE 'national' END
            AS level,
        specialty_code, cluster_id, variable,
        (sum(answers) FILTER (WHERE NOT is_dont_know))::BIGINT AS n_valid_all,
        (sum(answers) FILTER (WHERE is_dont_know))::BIGINT AS n_dont_know_all,
        (sum(answers) FILTER (WHERE is_positive AND NOT is_dont_know))::BIGINT AS n_positive_all
    FROM cluster_code_counts
    GROUP BY GROUPING SETS ((specialty_code, cluster_id, variable), (specialty_code, variable), (variable))
),
published AS (
    SELECT c.*, coalesce(n_valid_all, 0) AS v, coalesce(n_dont_know_all, 0) AS d, coalesce(n_positive_all, 0) AS k,
           p.suppression, p.suppression IS NULL AS shown
    FROM counts AS c
    LEFT JOIN pattern AS p ON p.level = c.level AND p.variable = c.variable
        AND p.specialty_code IS NOT DISTINCT FROM c.specialty_code AND p.cluster_id IS NOT DISTINCT FROM c.cluster_id
)
SELECT
    level, specialty_code, cluster_id, variable,
    NOT shown AS suppressed, suppression,
    CASE WHEN shown THEN v END AS n_valid,
    CASE WHEN shown THEN d END AS n_dont_know,
    CASE WHEN shown THEN k END AS n_positive,
    CASE WHEN shown THEN k::DOUBLE / v END AS share_positive,
    CASE WHEN NOT shown THEN NULL WHEN k = 0 THEN 0.0 ELSE round(
        (k::DOUBLE / v + 1.959964::DOUBLE ^ 2 / (2 * v) - 1.959964::DOUBLE
         * sqrt((k::DOUBLE / v) * (1 - k::DOUBLE / v) / v + 1.959964::DOUBLE ^ 2 / (4 * v ^ 2)))
        / (1 + 1.959964::DOUBLE ^ 2 / v), 12) END AS ci_low,
    CASE WHEN NOT shown THEN NULL WHEN k = v THEN 1.0 ELSE round(
        (k::DOUBLE / v + 1.959964::DOUBLE ^ 2 / (2 * v) + 1.959964::DOUBLE
         * sqrt((k::DOUBLE / v) * (1 - k::DOUBLE / v) / v + 1.959964::DOUBLE ^ 2 / (4 * v ^ 2)))
        / (1 + 1.959964::DOUBLE ^ 2 / v), 12) END AS ci_high
FROM published;

CREATE TABLE marts.questionnaire_items AS
SELECT getvariable('wave') AS wave, i.variable, s.question_name, s.position AS variable_position,
       CASE WHEN i.is_multiple_choice THEN 'multiple' ELSE 'single' END AS item_type,
       s.question_text,
       CASE WHEN i.is_multiple_choice THEN trim(s.choice_text)
            WHEN s.question_text LIKE '% - %' THEN trim(regexp_extract(s.question_text, ' - ([^-]*)$', 1))
            ELSE s.question_text END AS item_text,
       (SELECT string_agg(l.code || ' ' || l.label, '; ' ORDER BY l.code) FROM labels AS l
        WHERE l.variable = i.variable) AS answer_scale,
       (SELECT string_agg(l.label, ' + ' ORDER BY l.code) FROM labels AS l
        WHERE l.variable = i.variable AND list_contains(i.positive_codes, l.code)) AS positive_label
FROM items AS i JOIN structure AS s USING (variable);

CREATE MACRO compare_with(lo, hi, reference) AS
    CASE WHEN lo IS NULL OR reference IS NULL THEN NULL WHEN lo > reference THEN 'above'
         WHEN hi < reference THEN 'below' ELSE 'not_different' END;

CREATE MACRO chi_square_upper_tail(x, df) AS
    CASE WHEN x IS NULL OR df IS NULL OR df < 1 THEN NULL WHEN x <= 0 THEN 1.0 WHEN x > df + 2000 THEN 0.0
         ELSE greatest(0.0, round(1 - list_sum(list_transform(range(0, ceil(x / 2 + 12 * sqrt(x / 2) + 60)::BIGINT),
             lambda i: exp((df / 2.0 + i) * ln(x / 2.0) - x / 2.0 - lgamma(df / 2.0 + i + 1)))), 12)) END;

CREATE MACRO score_test_p(k, n, p0) AS
    CASE WHEN n > 0 AND p0 > 0 AND p0 < 1 THEN chi_square_upper_tail((k - n * p0) ^ 2 / (n * p0 * (1 - p0)), 1) END;

CREATE MACRO adjusted_comparison(share, reference, adjusted) AS
    CASE WHEN adjusted IS NULL THEN NULL WHEN adjusted > 0.05 THEN 'not_different' WHEN share > reference THEN 'above'
         ELSE 'below' END;

CREATE TABLE marts.cluster_results AS
WITH tested AS (
    SELECT c.*, s.share_positive AS specialty_share, n.share_positive AS national_share,
           compare_with(c.ci_low, c.ci_high, s.share_positive) AS vs_specialty,
           compare_with(c.ci_low, c.ci_high, n.share_positive) AS vs_national,
           score_test_p(c.n_positive, c.n_valid, s.share_positive) AS p_vs_specialty,
           score_test_p(c.n_positive, c.n_valid, n.share_positive) AS p_vs_national
    FROM item_statistics AS c
    JOIN item_statistics AS s ON s.level = 'specialty' AND s.specialty_code = c.specialty_code AND s.variable = c.variable
    JOIN item_statistics AS n ON n.level = 'national' AND n.variable = c.variable
    WHERE c.level = 'cluster'
), ranked AS (
    SELECT *,
           count(p_vs_specialty) OVER (PARTITION BY cluster_id) AS specialty_tests,
           row_number() OVER (PARTITION BY cluster_id ORDER BY p_vs_specialty NULLS LAST, variable) AS specialty_rank,
           count(p_vs_national) OVER (PARTITION BY cluster_id) AS national_tests,
           row_number() OVER (PARTITION BY cluster_id ORDER BY p_vs_national NULLS LAST, variable) AS national_rank
    FROM tested
), adjusted AS (
    SELECT *,
           CASE WHEN p_vs_specialty IS NOT NULL THEN round(max(least(1.0, (specialty_tests - specialty_rank + 1) * p_vs_specialty)) OVER (
               PARTITION BY cluster_id ORDER BY specialty_rank ROWS UNBOUNDED PRECEDING), 12) END AS p_vs_specialty_holm,
           CASE WHEN p_vs_national IS NOT NULL THEN round(max(least(1.0, (national_tests - national_rank + 1) * p_vs_national)) OVER (
               PARTITION BY cluster_id ORDER BY national_rank ROWS UNBOUNDED PRECEDING), 12) END AS p_vs_national_holm
    FROM ranked
)
SELECT getvariable('wave') AS wave, f.*, c.cluster_id, r.cluster_name, c.specialty_code, r.specialty_name, r.region,
       c.variable, q.item_text, c.n_valid, c.n_dont_know,
       c.n_positive, c.share_positive, c.ci_low, c.ci_high, c.suppressed, c.suppression, c.vs_specialty, c.vs_national,
       c.p_vs_specialty, c.p_vs_national, c.p_vs_specialty_holm, c.p_vs_national_holm,
       adjusted_comparison(c.share_positive, c.specialty_share, c.p_vs_specialty_holm) AS vs_specialty_holm,
       adjusted_comparison(c.share_positive, c.national_share, c.p_vs_national_holm) AS vs_national_holm
FROM adjusted AS c
JOIN roster AS r ON r.cluster_id = c.cluster_id
JOIN marts.questionnaire_items AS q ON q.variable = c.variable
CROSS JOIN fieldwork AS f;

CREATE TABLE marts.specialty_results AS
WITH spread AS (
    SELECT specialty_code, variable, count(*) AS clusters_published, min(share_positive) AS cluster_min,
           max(share_positive) AS cluster_max, sum(n_positive)::DOUBLE / sum(n_valid) AS pooled_share
    FROM item_statistics WHERE level = 'cluster' AND NOT suppressed GROUP BY ALL
), homogeneity AS (
    SELECT c.specialty_code, c.variable,
           round(list_sum(list((c.n_positive - c.n_valid * p.pooled_share) ^ 2
                     / (c.n_valid * p.pooled_share * (1 - p.pooled_share)) ORDER BY c.cluster_id)), 12) AS cluster_chi_square,
           count(*) - 1 AS cluster_chi_square_df
    FROM item_statistics AS c JOIN spread AS p USING (specialty_code, variable)
    WHERE c.level = 'cluster' AND NOT c.suppressed AND p.clusters_published >= 2 AND p.pooled_share > 0
      AND p.pooled_share < 1
    GROUP BY ALL
)
SELECT getvariable('wave') AS wave, f.*, s.specialty_code, u.specialty_name, s.variable, q.item_text, s.n_valid,
       s.n_dont_know, s.n_positive,
       s.share_positive, s.ci_low, s.ci_high, s.suppressed, s.suppression, coalesce(p.clusters_published, 0) AS clusters_published,
       p.cluster_min, p.cluster_max, h.cluster_chi_square, h.cluster_chi_square_df,
       chi_square_upper_tail(h.cluster_chi_square, h.cluster_chi_square_df) AS cluster_chi_square_p,
       compare_with(s.ci_low, s.ci_high, n.share_positive) AS vs_national
FROM item_statistics AS s
JOIN item_statistics AS n ON n.level = 'national' AND n.variable = s.variable
LEFT JOIN spread AS p ON p.specialty_code = s.specialty_code AND p.variable = s.variable
LEFT JOIN homogeneity AS h ON h.specialty_code = s.specialty_code AND h.variable = s.variable
JOIN specialties AS u ON u.specialty_code = s.specialty_code
JOIN marts.questionnaire_items AS q ON q.variable = s.variable
CROSS JOIN fieldwork AS f
WHERE s.level = 'specialty';

CREATE TABLE marts.national_results AS
SELECT getvariable('wave') AS wave, f.*, n.variable, q.item_text, n.n_valid, n.n_dont_know, n.n_positive,
       n.share_positive, n.ci_low, n.ci_high, n.suppressed, n.suppression
FROM item_statistics AS n
JOIN marts.questionnaire_items AS q ON q.variable = n.variable
CROSS JOIN fieldwork AS f
WHERE n.level = 'national';

CREATE TEMP TABLE distribution AS
WITH counts AS (
    SELECT
        CASE grouping(specialty_code, cluster_id) WHEN 0 THEN 'cluster' WHEN 1 THEN 'specialty' ELSE 'national' END
            AS level,
        specialty_code, cluster_id, variable, code, any_value(label) AS label, bool_or(is_dont_know) AS is_dont_know,
        sum(answers)::BIGINT AS answers
    FROM cluster_code_counts
    GROUP BY GROUPING SETS ((specialty_code, cluster_id, variable, code), (specialty_code, variable, code),
                            (variable, code))
),
valid AS (
    SELECT c.*, p.distribution_suppression AS suppression, p.distribution_suppression IS NULL AS shown,
           sum(c.answers) FILTER (WHERE NOT c.is_dont_know)
               OVER (PARTITION BY c.level, c.specialty_code, c.cluster_id, c.variable) AS n_valid
    FROM counts AS c
    LEFT JOIN pattern AS p ON p.level = c.level AND p.variable = c.variable
        AND p.specialty_code IS NOT DISTINCT FROM c.specialty_code AND p.cluster_id IS NOT DISTINCT FROM c.cluster_id
)
SELECT level, specialty_code, cluster_id, variable, code, label, is_dont_know,
       NOT shown AS suppressed, suppression,
       CASE WHEN shown THEN answers END AS n,
       CASE WHEN shown AND NOT is_dont_know THEN answers::DOUBLE / n_valid END AS share
FROM valid;

CREATE TABLE marts.cluster_distribution AS
SELECT getvariable('wave') AS wave, f.*, d.cluster_id, r.cluster_name, d.specialty_code, r.specialty_name, r.region,
       d.variable, q.item_text, d.code, d.label, d.is_dont_know, d.n, d.share, d.suppressed, d.suppression
FROM distribution AS d
JOIN roster AS r ON r.cluster_id = d.cluster_id
JOIN marts.questionnaire_items AS q ON q.variable = d.variable
CROSS JOIN fieldwork AS f
WHERE d.level = 'cluster';

CREATE TABLE marts.specialty_distribution AS
SELECT getvariable('wave') AS wave, f.*, d.specialty_code, u.specialty_name, d.variable, q.item_text, d.code,
       d.label, d.is_dont_know, d.n, d.share, d.suppressed, d.suppression
FROM distribution AS d
JOIN specialties AS u ON u.specialty_code = d.specialty_code
JOIN marts.questionnaire_items AS q ON q.variable = d.variable
CROSS JOIN fieldwork AS f
WHERE d.level = 'specialty';

CREATE TABLE marts.national_distribution AS
SELECT getvariable('wave') AS wave, f.*, d.variable, q.item_text, d.code, d.label, d.is_dont_know, d.n, d.share,
       d.suppressed, d.suppression
FROM distribution AS d
JOIN marts.questionnaire_items AS q ON q.variable = d.variable
CROSS JOIN fieldwork AS f
WHERE d.level = 'national';

CREATE TABLE marts.cluster_response AS
WITH counts AS (
    SELECT cluster_id, count(*) FILTER (WHERE list_contains(getvariable('status_invited'), status_code)) AS invited,
           count(*) FILTER (WHERE status_code = getvariable('status_completed')) AS respondents,
           count(*) FILTER (WHERE status_code = getvariable('status_partial')) AS partial
    FROM respondents GROUP BY cluster_id
)
SELECT getvariable('wave') AS wave, f.*, r.cluster_id, r.cluster_name, r.specialty_code, r.specialty_name, r.region,
       r.members, coalesce(c.invited, 0) AS invited, coalesce(c.respondents, 0) AS respondents,
       coalesce(c.partial, 0) AS partial, coalesce(c.respondents, 0) / r.members AS response_rate
FROM roster AS r LEFT JOIN counts AS c USING (cluster_id) CROSS JOIN fieldwork AS f;

CREATE TABLE marts.specialty_response AS
SELECT wave, any_value(wave_start) AS wave_start, any_value(wave_end) AS wave_end, 1 AS wave_order, specialty_code,
       min(specialty_name) AS specialty_name, count(*) AS clusters,
       sum(members)::BIGINT AS members, sum(invited)::BIGINT AS invited, sum(respondents)::BIGINT AS respondents,
       sum(partial)::BIGINT AS partial, sum(respondents) / sum(members) AS response_rate
FROM marts.cluster_response GROUP BY wave, specialty_code;

CREATE TABLE marts.national_response AS
SELECT wave, any_value(wave_start) AS wave_start, any_value(wave_end) AS wave_end, 1 AS wave_order,
       count(DISTINCT specialty_code) AS specialties, count(*) AS clusters,
       sum(members)::BIGINT AS members, sum(invited)::BIGINT AS invited, sum(respondents)::BIGINT AS respondents,
       sum(partial)::BIGINT AS partial, sum(respondents) / sum(members) AS response_rate
FROM marts.cluster_response GROUP BY wave;

CREATE TABLE marts.load_summary AS
SELECT getvariable('wave') AS wave, getvariable('dataset_file') AS source_file, count(*)::INTEGER AS rows_received,
       count(*)::INTEGER AS rows_accepted, 0 AS rows_quarantined, 0 AS rows_duplicate, 0 AS nul_bytes_dropped
FROM src_dataset
UNION ALL
SELECT getvariable('wave'), getvariable('roster_file'), count(*)::INTEGER, count(*)::INTEGER, 0, 0, 0 FROM src_roster;
