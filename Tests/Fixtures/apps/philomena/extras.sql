-- philomena has citext (with its extension comment) and many tables; it lacks a materialized
-- view, a partitioned table and policies. Run as the production owner after schema.sql.
CREATE MATERIALIZED VIEW public.tag_image_counts AS
    SELECT t.id AS tag_id, t.name, count(it.image_id) AS images
    FROM public.tags t LEFT JOIN public.image_taggings it ON it.tag_id = t.id
    GROUP BY t.id, t.name;
CREATE TABLE public.image_views (
    image_id bigint NOT NULL,
    viewed_on date NOT NULL,
    views integer DEFAULT 0 NOT NULL
) PARTITION BY LIST (date_part('year', viewed_on));
CREATE TABLE public.image_views_2022 PARTITION OF public.image_views FOR VALUES IN (2022);
CREATE TABLE public.image_views_other PARTITION OF public.image_views DEFAULT;
COMMENT ON TABLE public.image_views IS 'daily views, partitioned by year';
ALTER TABLE public.user_ips ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_ips FORCE ROW LEVEL SECURITY;
CREATE POLICY user_ips_readers ON public.user_ips AS RESTRICTIVE FOR SELECT TO app_readonly, app_web
    USING (uses > 0);
CREATE POLICY user_ips_all ON public.user_ips USING (true);
