-- One row per seller, including sellers without sales.
-- orders and cancel_rate count every order holding the seller's items; items, gmv, freight,
-- first_sale and last_sale count sold orders only (is_sold); on-time and delivery figures
-- cover delivered orders (less those delivered before they were purchased); avg_review_score weighs
-- each order once.
WITH seller_orders AS (
    SELECT
        seller_id,
        order_id,
        count(*) AS items,
        sum(price) AS gmv,
        sum(freight_value) AS freight
    FROM business.fact_order_items
    GROUP BY seller_id, order_id
),

seller_totals AS (
    SELECT
        so.seller_id,
        count(*) AS orders,
        sum(so.items) FILTER (WHERE o.is_sold) AS items,
        sum(so.gmv) FILTER (WHERE o.is_sold) AS gmv,
        sum(so.freight) FILTER (WHERE o.is_sold) AS freight,
        avg(o.review_score) AS avg_review_score,
        count(o.is_late) AS timed_deliveries,
        count(*) FILTER (WHERE o.is_delivered AND NOT o.is_late) AS on_time_orders,
        avg(o.delivery_days) AS avg_delivery_days,
        count(*) FILTER (WHERE o.order_status = 'canceled') AS canceled_orders,
        min(o.purchase_ts) FILTER (WHERE o.is_sold) AS first_sale,
        max(o.purchase_ts) FILTER (WHERE o.is_sold) AS last_sale
    FROM seller_orders AS so
    INNER JOIN business.fact_orders AS o ON so.order_id = o.order_id
    GROUP BY so.seller_id
)

SELECT
    s.seller_id,
    s.seller_state,
    coalesce(t.orders, 0) AS orders,
    CAST(coalesce(t.items, 0) AS BIGINT) AS items,
    CAST(coalesce(t.gmv, 0) AS DECIMAL(18, 2)) AS gmv,
    CAST(coalesce(t.freight, 0) AS DECIMAL(18, 2)) AS freight,
    t.avg_review_score,
    CAST(t.on_time_orders AS DOUBLE) / nullif(t.timed_deliveries, 0) AS on_time_rate,
    t.avg_delivery_days,
    CAST(t.canceled_orders AS DOUBLE) / nullif(t.orders, 0) AS cancel_rate,
    t.first_sale,
    t.last_sale
FROM clean.sellers AS s
LEFT JOIN seller_totals AS t ON s.seller_id = t.seller_id
