-- Payments per purchase month and payment type, over sold orders (fact_orders.is_sold).
SELECT
    o.purchase_month AS month,
    p.payment_type,
    count(*) AS payments,
    count(DISTINCT p.order_id) AS orders,
    CAST(sum(p.payment_value) AS DECIMAL(18, 2)) AS value,
    avg(p.payment_installments) AS avg_installments
FROM clean.order_payments AS p
INNER JOIN business.fact_orders AS o ON p.order_id = o.order_id
WHERE o.is_sold
GROUP BY o.purchase_month, p.payment_type
