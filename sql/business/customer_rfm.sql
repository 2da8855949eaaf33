-- Recency, frequency and monetary value per person (customer_unique_id), over purchases: sold
-- orders (fact_orders.is_sold) holding at least one item. An order with no items bought nothing
-- (Olist has orders whose items were never recorded, such as a `created` order already paid), so
-- it is neither a purchase for frequency nor money for monetary, and a person with no other
-- order is not scored. Recency counts days back from the last purchase in the data.
-- Scales (see customer_rfm.toml): r_score by quarters of recency (90-day bins), f_score by fixed
-- frequency bins 1, 2, 3, 4, 5+, m_score by quintile of monetary (percent_rank, ties equal).
WITH purchases AS (
    SELECT
        customer_unique_id,
        purchase_ts,
        items_total
    FROM business.fact_orders
    WHERE is_sold AND items_count > 0 AND customer_unique_id IS NOT NULL
),

customers AS (
    SELECT
        customer_unique_id,
        CAST(max(purchase_ts) AS DATE) AS last_purchase_date,
        count(*) AS frequency,
        CAST(sum(items_total) AS DECIMAL(18, 2)) AS monetary
    FROM purchases
    GROUP BY customer_unique_id
),

measured AS (
    SELECT
        c.customer_unique_id,
        CAST(date_diff('day', c.last_purchase_date, l.last_date) AS INTEGER) AS recency_days,
        c.frequency,
        c.monetary
    FROM customers AS c
    CROSS JOIN (SELECT CAST(max(purchase_ts) AS DATE) AS last_date FROM purchases) AS l
),

scored AS (
    SELECT
        customer_unique_id,
        recency_days,
        frequency,
        monetary,
        CASE
            WHEN recency_days <= 90 THEN 5
            WHEN recency_days <= 180 THEN 4
            WHEN recency_days <= 270 THEN 3
            WHEN recency_days <= 365 THEN 2
            ELSE 1
        END AS r_score,
        CAST(least(frequency, 5) AS INTEGER) AS f_score,
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
        WHEN f_score >= 2 AND r_score >= 4 THEN 'champions'
        WHEN f_score >= 2 THEN 'loyal'
        WHEN r_score >= 4 THEN 'recent'
        WHEN m_score >= 4 THEN 'at_risk'
        WHEN r_score = 3 THEN 'needs_attention'
        ELSE 'lost'
    END AS segment
FROM scored
