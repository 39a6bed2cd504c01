-- pagila has partitions (payment) and a materialized view (rental_by_category, WITH NO DATA);
-- it lacks policies. Run as the production owner after schema.sql.
ALTER TABLE public.customer ENABLE ROW LEVEL SECURITY;
CREATE POLICY customer_store_1 ON public.customer FOR SELECT TO app_readonly USING (store_id = 1);
CREATE POLICY customer_web ON public.customer TO app_web USING (true) WITH CHECK (active = 1);
COMMENT ON POLICY customer_store_1 ON public.customer IS 'readers see store 1 only';
