-- Customers (customer_unique_id) grouped by the month of their first purchase, and the share of
-- each cohort purchasing again N months later; canceled and unavailable orders do not count.
WITH purchases AS (
    SELECT DISTINCT
        customer_unique_id,
        purchase_month
    FROM business.fact_orders
    WHERE order_status NOT IN ('canceled', 'unavailable') AND customer_unique_id IS NOT NULL
),

cohorts AS (
    SELECT
        customer_unique_id,
        min(purchase_month) AS cohort_month
    FROM purchases
    GROUP BY customer_unique_id
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
)

SELECT
    a.cohort_month,
    a.months_since_first,
    s.customers AS cohort_customers,
    a.customers,
    CAST(a.customers AS DOUBLE) / s.customers AS retention_rate
FROM activity AS a
INNER JOIN activity AS s ON a.cohort_month = s.cohort_month AND s.months_since_first = 0
