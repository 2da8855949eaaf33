-- One row per purchase month holding any order: the month's sold orders (fact_orders.is_sold), the
-- people who placed them, their items and money, deliveries and reviews. Each order counts once, so
-- these are the month totals (sales_monthly counts an order once per category and state).
-- A month whose orders were all canceled or unavailable has a row of zeros; rates and averages are
-- NULL when there is nothing to divide by.
SELECT
    purchase_month AS month,
    count(*) FILTER (WHERE is_sold) AS orders,
    count(DISTINCT CASE WHEN is_sold THEN customer_unique_id END) AS customers,
    CAST(coalesce(sum(items_count) FILTER (WHERE is_sold), 0) AS BIGINT) AS items,
    CAST(coalesce(sum(items_price) FILTER (WHERE is_sold), 0) AS DECIMAL(18, 2)) AS gmv,
    CAST(coalesce(sum(items_freight) FILTER (WHERE is_sold), 0) AS DECIMAL(18, 2)) AS freight,
    CAST(coalesce(sum(items_total) FILTER (WHERE is_sold), 0) AS DECIMAL(18, 2)) AS revenue,
    CAST(
        round(
            CAST(sum(items_total) FILTER (WHERE is_sold) AS DOUBLE)
            / nullif(count(*) FILTER (WHERE is_sold), 0),
            2
        ) AS DECIMAL(12, 2)
    ) AS avg_order_value,
    count(*) FILTER (WHERE is_delivered) AS delivered_orders,
    CAST(count(*) FILTER (WHERE is_delivered AND NOT is_late) AS DOUBLE)
        / nullif(count(*) FILTER (WHERE is_delivered), 0) AS on_time_rate,
    avg(review_score) FILTER (WHERE is_sold) AS avg_review_score
FROM business.fact_orders
GROUP BY purchase_month
