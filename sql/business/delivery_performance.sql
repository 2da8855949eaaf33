-- Delivered orders per purchase month and customer state; late means delivered after the estimated
-- date (dates compared, not timestamps). Orders delivered before they were purchased are delivered
-- but left out of the rates and durations, and counted in impossible_deliveries.
SELECT
    purchase_month AS month,
    customer_state,
    count(*) AS delivered_orders,
    count(*) FILTER (WHERE is_late) AS late_orders,
    CAST(count(*) FILTER (WHERE NOT is_late) AS DOUBLE) / nullif(count(is_late), 0) AS on_time_rate,
    avg(delivery_days) AS avg_delivery_days,
    avg(delay_days) FILTER (WHERE is_late) AS avg_delay_days_when_late,
    avg(review_score) FILTER (WHERE is_late) AS avg_review_late,
    avg(review_score) FILTER (WHERE NOT is_late) AS avg_review_on_time,
    count(*) FILTER (WHERE is_late IS NULL) AS impossible_deliveries
FROM business.fact_orders
WHERE is_delivered
GROUP BY purchase_month, customer_state
