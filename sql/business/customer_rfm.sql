-- Recency, frequency and monetary value per person (customer_unique_id), over orders that are not
-- canceled or unavailable. Recency counts days back from the last purchase in the data.
-- Scores 1-5 come from percent_rank, so equal values always get equal scores.
WITH last_purchase AS (
    SELECT CAST(max(purchase_ts) AS DATE) AS last_date
    FROM business.fact_orders
),

customers AS (
    SELECT
        customer_unique_id,
        CAST(max(purchase_ts) AS DATE) AS last_purchase_date,
        count(*) AS frequency,
        CAST(sum(items_total) AS DECIMAL(18, 2)) AS monetary
    FROM business.fact_orders
    WHERE order_status NOT IN ('canceled', 'unavailable') AND customer_unique_id IS NOT NULL
    GROUP BY customer_unique_id
),

measured AS (
    SELECT
        c.customer_unique_id,
        CAST(date_diff('day', c.last_purchase_date, l.last_date) AS INTEGER) AS recency_days,
        c.frequency,
        c.monetary
    FROM customers AS c
    CROSS JOIN last_purchase AS l
),

scored AS (
    SELECT
        customer_unique_id,
        recency_days,
        frequency,
        monetary,
        least(5, 1 + CAST(floor(percent_rank() OVER (ORDER BY recency_days DESC) * 5) AS INTEGER))
            AS r_score,
        least(5, 1 + CAST(floor(percent_rank() OVER (ORDER BY frequency) * 5) AS INTEGER))
            AS f_score,
        least(5, 1 + CAST(floor(percent_rank() OVER (ORDER BY monetary) * 5) AS INTEGER))
            AS m_score
    FROM measured
)

SELECT
    customer_unique_id,
    recency_days,
    frequency,
    monetary,
    r_score,
    f_score,
    m_score,
    CASE
        WHEN r_score >= 4 AND f_score >= 4 THEN 'champions'
        WHEN f_score >= 4 THEN 'loyal'
        WHEN r_score >= 4 THEN 'recent'
        WHEN r_score = 3 THEN 'needs_attention'
        WHEN m_score >= 4 THEN 'at_risk'
        ELSE 'lost'
    END AS segment
FROM scored
