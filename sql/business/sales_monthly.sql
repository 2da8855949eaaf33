-- Sales per purchase month, product category and customer state, over sold orders (is_sold).
-- An order with items in several categories or states counts once in each: for month totals,
-- use kpi_monthly, whose orders are counted once.
SELECT
    purchase_month AS month,
    product_category,
    customer_state,
    count(DISTINCT order_id) AS orders,
    count(*) AS items,
    CAST(sum(price) AS DECIMAL(18, 2)) AS gmv,
    CAST(sum(freight_value) AS DECIMAL(18, 2)) AS freight,
    CAST(sum(item_total) AS DECIMAL(18, 2)) AS revenue,
    CAST(round(CAST(sum(item_total) AS DOUBLE) / count(DISTINCT order_id), 2) AS DECIMAL(12, 2))
        AS avg_order_value
FROM business.fact_order_items
WHERE is_sold
GROUP BY purchase_month, product_category, customer_state
