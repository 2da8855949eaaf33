-- One row per order, including orders with no items or no payment.
-- is_sold is the one definition of a sale: an order whose status is not canceled or unavailable.
-- Every other business table, check and figure counts sales through this column.
-- Payments and items are aggregated per order before they meet, so neither fans out the other.
-- Lateness compares dates: estimated delivery dates are all at midnight. An order delivered before it
-- was purchased has no delivery_days, delay_days or is_late (an impossible duration left out, and
-- counted by delivery_performance.impossible_deliveries).
WITH items AS (
    SELECT
        order_id,
        count(*) AS items_count,
        count(DISTINCT seller_id) AS sellers_count,
        sum(price) AS items_price,
        sum(freight_value) AS items_freight
    FROM clean.order_items
    GROUP BY order_id
),

payments AS (
    SELECT
        order_id,
        count(*) AS payment_count,
        sum(payment_value) AS payment_total,
        max(payment_installments) AS max_installments
    FROM clean.order_payments
    GROUP BY order_id
),

payment_types AS (
    SELECT
        order_id,
        payment_type,
        row_number() OVER (
            PARTITION BY order_id ORDER BY sum(payment_value) DESC, payment_type
        ) AS type_rank
    FROM clean.order_payments
    GROUP BY order_id, payment_type
),

reviews AS (
    SELECT
        order_id,
        review_score,
        row_number() OVER (
            PARTITION BY order_id
            ORDER BY review_creation_date DESC, review_answer_timestamp DESC NULLS LAST, review_id
        ) AS review_rank
    FROM clean.order_reviews
),

orders AS (
    SELECT
        order_id,
        customer_id,
        order_status,
        order_status NOT IN ('canceled', 'unavailable') AS is_sold,
        order_purchase_timestamp AS purchase_ts,
        CAST(order_purchase_timestamp AS DATE) AS purchase_date,
        CAST(order_delivered_customer_date AS DATE) AS delivered_date,
        CAST(order_estimated_delivery_date AS DATE) AS estimated_date,
        (order_status = 'delivered' AND order_delivered_customer_date IS NOT NULL) AS is_delivered,
        coalesce(order_delivered_customer_date >= order_purchase_timestamp, FALSE) AS is_timed
    FROM clean.orders
),

totals AS (
    SELECT
        o.order_id,
        o.customer_id,
        c.customer_unique_id,
        c.customer_state,
        o.order_status,
        o.is_sold,
        o.purchase_ts,
        CAST(date_trunc('month', o.purchase_ts) AS DATE) AS purchase_month,
        CAST(coalesce(i.items_count, 0) AS INTEGER) AS items_count,
        CAST(coalesce(i.sellers_count, 0) AS INTEGER) AS sellers_count,
        CAST(coalesce(i.items_price, 0) AS DECIMAL(12, 2)) AS items_price,
        CAST(coalesce(i.items_freight, 0) AS DECIMAL(12, 2)) AS items_freight,
        CAST(coalesce(i.items_price + i.items_freight, 0) AS DECIMAL(12, 2)) AS items_total,
        CAST(coalesce(p.payment_total, 0) AS DECIMAL(12, 2)) AS payment_total,
        CAST(coalesce(p.payment_count, 0) AS INTEGER) AS payment_count,
        t.payment_type AS main_payment_type,
        p.max_installments,
        r.review_score,
        o.is_delivered,
        CASE WHEN o.is_delivered AND o.is_timed THEN
            CAST(date_diff('day', o.purchase_date, o.delivered_date) AS INTEGER)
        END AS delivery_days,
        CAST(date_diff('day', o.purchase_date, o.estimated_date) AS INTEGER) AS estimated_days,
        CASE WHEN o.is_delivered AND o.is_timed THEN
            CAST(date_diff('day', o.estimated_date, o.delivered_date) AS INTEGER)
        END AS delay_days,
        CASE WHEN o.is_delivered AND o.is_timed THEN o.delivered_date > o.estimated_date END AS is_late
    FROM orders AS o
    LEFT JOIN clean.customers AS c ON o.customer_id = c.customer_id
    LEFT JOIN items AS i ON o.order_id = i.order_id
    LEFT JOIN payments AS p ON o.order_id = p.order_id
    LEFT JOIN payment_types AS t ON o.order_id = t.order_id AND t.type_rank = 1
    LEFT JOIN reviews AS r ON o.order_id = r.order_id AND r.review_rank = 1
)

SELECT
    order_id,
    customer_id,
    customer_unique_id,
    customer_state,
    order_status,
    is_sold,
    purchase_ts,
    purchase_month,
    items_count,
    sellers_count,
    items_price,
    items_freight,
    items_total,
    payment_total,
    payment_count,
    main_payment_type,
    max_installments,
    review_score,
    is_delivered,
    delivery_days,
    estimated_days,
    delay_days,
    is_late,
    CASE
        WHEN items_count = 0 AND payment_count > 0 THEN 'payment_without_items'
        WHEN items_count > 0 AND payment_count = 0 THEN 'items_without_payment'
        WHEN payment_total - items_total > 0.01 THEN 'payment_gt_items'
        WHEN items_total - payment_total > 0.01 THEN 'items_gt_payment'
        ELSE 'reconciled'
    END AS reconciliation_status
FROM totals
