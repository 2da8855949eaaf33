-- One row per order item. allocated_payment spreads the order's payment total over its items in
-- proportion to item_total (equally when the items total zero), in whole cents by largest
-- remainder, so an order's allocations sum exactly to its payment total.
-- Integer division is written as (n - n % d) / d: exact on Trino (integer) and DuckDB (double).
WITH items AS (
    SELECT
        i.order_id,
        i.order_item_id,
        i.product_id,
        i.seller_id,
        i.price,
        i.freight_value,
        CAST(i.price + i.freight_value AS DECIMAL(12, 2)) AS item_total,
        o.customer_unique_id,
        o.customer_state,
        o.order_status,
        o.is_sold,
        o.purchase_ts,
        o.purchase_month,
        o.is_delivered,
        o.is_late,
        CAST(o.payment_total * 100 AS BIGINT) AS payment_cents,
        CASE
            WHEN o.items_total > 0 THEN CAST((i.price + i.freight_value) * 100 AS BIGINT)
            ELSE 1
        END AS weight
    FROM clean.order_items AS i
    INNER JOIN business.fact_orders AS o ON i.order_id = o.order_id
),

shares AS (
    SELECT
        items.*,
        payment_cents * weight AS numerator,
        sum(weight) OVER (PARTITION BY order_id) AS weight_total
    FROM items
),

floors AS (
    SELECT
        shares.*,
        CAST((numerator - numerator % weight_total) / weight_total AS BIGINT) AS floor_cents,
        numerator % weight_total AS remainder
    FROM shares
),

ranked AS (
    SELECT
        floors.*,
        payment_cents - sum(floor_cents) OVER (PARTITION BY order_id) AS residual_cents,
        row_number() OVER (
            PARTITION BY order_id ORDER BY remainder DESC, order_item_id
        ) AS remainder_rank
    FROM floors
)

SELECT
    r.order_id,
    r.order_item_id,
    r.product_id,
    r.seller_id,
    r.customer_unique_id,
    r.order_status,
    r.is_sold,
    r.purchase_ts,
    r.purchase_month,
    coalesce(t.product_category_name_english, p.product_category_name, 'unknown')
        AS product_category,
    r.price,
    r.freight_value,
    r.item_total,
    CAST(
        CAST(r.floor_cents + CASE WHEN r.remainder_rank <= r.residual_cents THEN 1 ELSE 0 END
            AS DECIMAL(14, 2)) / 100
        AS DECIMAL(12, 2)
    ) AS allocated_payment,
    r.customer_state,
    s.seller_state,
    r.is_delivered,
    r.is_late
FROM ranked AS r
LEFT JOIN clean.products AS p ON r.product_id = p.product_id
LEFT JOIN clean.product_category_translation AS t
    ON p.product_category_name = t.product_category_name
LEFT JOIN clean.sellers AS s ON r.seller_id = s.seller_id
