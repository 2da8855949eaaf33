-- Customers (customer_unique_id) grouped by the month of their first sold order (fact_orders.is_sold),
-- and how many of each cohort bought again N months later. Every cohort has one row for each month
-- from 0 (the cohort itself) up to the last month with a sold order, with 0 customers where nobody
-- came back, so a month without returns is a row, not a gap.
-- Month offsets come from a digits table (0 to 999), written out because Trino and DuckDB share no
-- series function.
WITH purchases AS (
    SELECT DISTINCT
        customer_unique_id,
        purchase_month
    FROM business.fact_orders
    WHERE is_sold AND customer_unique_id IS NOT NULL
),

cohorts AS (
    SELECT
        customer_unique_id,
        min(purchase_month) AS cohort_month
    FROM purchases
    GROUP BY customer_unique_id
),

cohort_sizes AS (
    SELECT
        cohort_month,
        count(*) AS cohort_customers
    FROM cohorts
    GROUP BY cohort_month
),

activity AS (
    SELECT
        c.cohort_month,
        CAST(date_diff('month', c.cohort_month, p.purchase_month) AS INTEGER)
            AS months_since_first,
        count(*) AS customers
    FROM purchases AS p
    INNER JOIN cohorts AS c ON p.customer_unique_id = c.customer_unique_id
    GROUP BY c.cohort_month, date_diff('month', c.cohort_month, p.purchase_month)
),

digits AS (
    SELECT n FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS d (n)
),

offsets AS (
    SELECT hundreds.n * 100 + tens.n * 10 + ones.n AS months_since_first
    FROM digits AS hundreds
    CROSS JOIN digits AS tens
    CROSS JOIN digits AS ones
),

observed AS (
    SELECT
        s.cohort_month,
        s.cohort_customers,
        CAST(n.months_since_first AS INTEGER) AS months_since_first
    FROM cohort_sizes AS s
    CROSS JOIN (SELECT max(purchase_month) AS last_month FROM purchases) AS l
    INNER JOIN offsets AS n
        ON n.months_since_first <= date_diff('month', s.cohort_month, l.last_month)
)

SELECT
    o.cohort_month,
    o.months_since_first,
    o.cohort_customers,
    coalesce(a.customers, 0) AS customers,
    CAST(coalesce(a.customers, 0) AS DOUBLE) / o.cohort_customers AS retention_rate
FROM observed AS o
LEFT JOIN activity AS a
    ON o.cohort_month = a.cohort_month AND o.months_since_first = a.months_since_first
